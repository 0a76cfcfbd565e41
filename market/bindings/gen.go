// Package bindings holds the abigen v2 Go bindings for the pnmarket contracts (Registry, Escrow,
// TestToken), generated from contracts/build/combined.json. Only package market imports it.
//
// Regenerate after `cd contracts && node compile.js` with `go generate ./market/bindings`.
// bindings.go is generated, checked in and never edited by hand; TestBindingsFresh fails when it is stale.
package bindings

//go:generate go tool abigen --v2 --combined-json ../../contracts/build/combined.json --pkg bindings --out bindings.go
