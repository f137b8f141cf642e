// Package server is contrast's similarity-search HTTP API: an http.Handler
// over a durable index (index.DB) and an optional model that embeds raw
// inputs. It has no main; `contrast serve` (package cli) runs it with
// graceful shutdown.
//
// # Endpoints
//
//	POST   /v1/embed        {"inputs": [INPUT, ...]} -> {"embeddings": [[...]], "dim": D}
//	POST   /v1/search       {"vector"|"id"|"input": ..., "k": 10, "filter": {"field": F, "equals": V}, "ef": 0}
//	                        -> {"results": [{"id", "score", "meta"}]}
//	POST   /v1/similarity   {"a": QUERY, "b": QUERY} -> {"score", "metric", "verdict"?}
//	PUT    /v1/items        {"items": [{"id", "vector"|"input", "meta"}]} -> {"upserted", "items"}
//	GET    /v1/items/{id}   -> {"id", "vector", "meta"}
//	DELETE /v1/items/{id}   -> {"deleted": 1}
//	POST   /v1/recommend    passed to Options.Recommender (501 without one)
//	POST   /v1/score        {"inputs": [INPUT, ...]} -> {"scores": [RESULT, ...]} from the Scorer (501 without one)
//	POST   /v1/score/capture a pcap or pcapng body -> {"scores": [RESULT, ...]}, one per connection (CaptureScorer; 501 without one)
//	GET    /v1/info         index, model, limits, auth
//	GET    /healthz         {"status": "ok", "items": N}
//	GET    /metrics         Prometheus text
//	GET    /openapi.yaml    the OpenAPI 3 description (OpenAPI())
//
// A QUERY is exactly one of a vector of the index dimension, the ID of a
// stored item, or a raw input for the Model. Package client is the Go client.
//
// A Store that implements ReadOnly and reports true keeps no items (contrast
// serve without --index): PUT and DELETE /v1/items answer 501 after the
// token check, and /v1/info says "read_only": true.
//
// # Models
//
// Model is two methods, Info and Embed(ctx, []json.RawMessage), so that image,
// text and tabular models plug in alike. ImageModel (LoadImageModel) wraps an
// encoder trained by package train and takes base64 PNG/JPEG or raw pixel
// arrays; when its run directory's metrics.json holds a calibrated
// verify_threshold it is also a Verifier, and /v1/similarity of two raw
// inputs says same or different. It reads every image's header before
// decoding any, within MaxImagePixels per image and MaxRequestPixels per
// request, and stops between images once the request's time is up. A model
// reports a bad input as an *InputError giving its position; the server's
// 400 names it as the request spells it ("items[3].input").
//
// A Scorer judges raw inputs rather than embedding them: POST /v1/score
// sends it the inputs and answers its results, one per input. A Model that
// also implements Scorer (package threat's Served: connection records in,
// anomaly score, calibrated threshold, attack verdict and category
// probabilities out) serves both at once. A Scorer that is also a
// CaptureScorer reads packet captures too: POST /v1/score/capture sends it
// the raw body and answers one result per connection.
//
// # Errors and limits
//
// Bodies are decoded by internal/strictjson, as the recommender's are: one
// JSON object, not null, no unknown, repeated or wrongly cased keys, nothing
// after it; the 400 names the key.
//
// Every error is {"error": {"code": CODE, "message": TEXT}} with a stable
// Code (bad_request, unauthorized, not_found, too_large, overloaded, timeout,
// internal, ...). Internal errors are logged with the request's X-Request-Id
// and never described to the client. Limits bound the body size
// (http.MaxBytesReader), the batch size, k and the request time (a context
// deadline), and a semaphore bounds the /v1 requests in flight: one more
// waits at most Limits.QueueWait and then gets 429 with Retry-After. With a
// token, writes need "Authorization: Bearer TOKEN", compared in constant
// time. /healthz, /metrics and /openapi.yaml are never limited.
//
// # Durability
//
// PUT and DELETE /v1/items answer 200 only after Store.Upsert or
// Store.Delete returned. Concurrent PUTs are coalesced into one Upsert call
// (each request whole, in arrival order), so that under load one index write
// lock, one log record and one fsync serve many requests. With an index.DB opened with index.SyncAlways or
// index.SyncGroup those return once the write is appended to the log and
// fsynced, so every acknowledged write survives kill -9 (the crash test
// starts `contrast serve`, SIGKILLs it during a stream of upserts and checks
// each acknowledged item after restart). A write whose request ran out of
// time before reaching the index answers timeout and is not applied; once
// it reaches the index it completes and is acknowledged.
package server
