//go:build production

package main

import "helhed/app"

// devStack is nil in the production build: -dev is refused with a message
// saying so, and the binary links no Temporal server, UI or miniredis.
func devStack() app.DevStack { return nil }
