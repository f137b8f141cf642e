package server_test

import (
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/server"
)

// Example serves a durable HNSW index of 128-dimensional vectors, with an
// image model from a training run, writes protected by a token.
func Example() {
	db, err := index.Open("vectors", index.Options{
		Kind:   index.KindHNSW,
		Config: index.Config{Dim: 128, Metric: index.Cosine},
		Sync:   index.SyncGroup, // acknowledged writes are fsynced
	})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	model, err := server.LoadImageModel("runs/simclr")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := server.New(server.Options{
		Index:  db,
		Model:  model,
		Limits: server.Limits{MaxK: 100, Timeout: 5 * time.Second, MaxConcurrent: 32},
		Token:  os.Getenv("CONTRAST_TOKEN"),
		Logger: slog.Default(),
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", srv))
}
