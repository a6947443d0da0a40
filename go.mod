module sseinspector

go 1.26

require (
	fyne.io/fyne/v2 v2.8.1 // indirect
	github.com/r3labs/sse/v2 v2.10.0 // indirect
	golang.org/x/net v0.35.0 // indirect
	gopkg.in/cenkalti/backoff.v1 v1.1.0 // indirect
)
