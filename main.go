// Command sseinspector shows where Server-Sent Events get delayed or dropped.
package main

func main() {}
