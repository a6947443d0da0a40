module sseinspector

go 1.26

require golang.org/x/net v0.35.0
