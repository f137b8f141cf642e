// Package client is the Go client of contrast's similarity server (package
// server, `contrast serve`): embed raw inputs, search by vector, stored ID or
// raw input, compare two inputs, and write and delete items.
//
// # Usage
//
//	c, err := client.New("http://127.0.0.1:8080", client.WithToken(token))
//	res, err := c.Search(ctx, client.SearchRequest{Query: client.ByVector(v), K: 10})
//
// Every method takes a context and returns an *Error for answers other than
// 2xx, carrying the server's stable error code (CodeOverloaded, ...), so that
// callers can tell a full server (retry later) from a bad request (do not).
// The client does not retry by itself.
//
// The client shares no code with the server: its types mirror the JSON API
// described in the server's OpenAPI document (GET /openapi.yaml), and the
// server's tests go through this package, so that the two cannot drift.
package client
