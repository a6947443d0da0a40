module sseinspector

go 1.26

require (
	github.com/r3labs/sse/v2 v2.10.0
	golang.org/x/image v0.24.0
)

require (
	github.com/stretchr/testify v1.11.1 // indirect
	golang.org/x/net v0.35.0
	golang.org/x/text v0.22.0 // indirect
	gopkg.in/cenkalti/backoff.v1 v1.1.0 // indirect
)
