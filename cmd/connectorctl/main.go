// Command connectorctl is the command-line twin of the Connectors app.
package main

func main() {}
