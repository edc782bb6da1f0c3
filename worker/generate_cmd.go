package main

import (
	"errors"
)

// generateCommand is `worker generate` (see issue: synthetic exports).
func generateCommand(args []string) error {
	return errors.New("not implemented yet")
}
