package main

import (
	"context"
	"errors"
)

// demoCommand is `worker demo`.
func demoCommand(ctx context.Context, args []string) error {
	return errors.New("not implemented yet")
}
