package client_test

import (
	"context"
	"fmt"
	"log"

	"github.com/contrast-ml/contrast/client"
)

func Example() {
	ctx := context.Background()
	c, err := client.New("http://127.0.0.1:8080", client.WithToken("s3cret"))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Upsert(ctx, client.Item{ID: "a", Vector: []float32{0.1, 0.2, 0.3}, Meta: []byte(`{"genre":"jazz"}`)}); err != nil {
		log.Fatal(err)
	}
	res, err := c.Search(ctx, client.SearchRequest{
		Query:  client.ByVector([]float32{0.1, 0.2, 0.25}),
		K:      5,
		Filter: &client.Filter{Field: "genre", Equals: "jazz"},
	})
	switch {
	case client.IsCode(err, client.CodeOverloaded):
		log.Print("server busy; retry later")
	case err != nil:
		log.Fatal(err)
	}
	for _, r := range res {
		fmt.Println(r.ID, r.Score)
	}
}
