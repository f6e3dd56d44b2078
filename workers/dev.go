//go:build !production

package main

import (
	"helhed/app"
	"helhed/devserver"
)

// devStack embeds Temporal, its UI and Redis for -dev. A production build
// (go build -tags production ./workers, as the Dockerfile does) has none.
func devStack() app.DevStack { return devserver.Stack{} }
