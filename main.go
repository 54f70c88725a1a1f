// Command connectors is the desktop app: Settings → Connectors.
package main

func main() {}
