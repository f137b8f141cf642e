// Package recommend is a two-tower contrastive recommender for MovieLens, with
// cold start from item text.
//
// # Data
//
// ReadMovieLens reads the MovieLens "latest" layout (movies.csv, ratings.csv,
// tags.csv; Harper & Konstan 2015), the data spec movielens:DIR. Every rating,
// whatever its value, is an interaction. NewDataset orders each user's
// interactions by time (ties in file order), and SplitLeaveLastOut makes the
// leave-last-out split: a user's last interaction is the test item, the one
// before it the validation item, the rest training. A seeded 10% of the items
// (Config.Split.ColdFraction) are held out of training entirely: no training
// sequence contains them, they have no ID vector, and the model embeds them
// from their text alone.
//
// # Model
//
// Model is the two-tower retriever of Yi et al. 2019 ("Sampling-Bias-Corrected
// Neural Modeling for Large Corpus Item Recommendations", RecSys) and
// Covington et al. 2016. The item tower mean-pools token vectors per text
// field (title words and bigrams, year and decade, genres, tags), concatenates
// the four fields (4·WordDim), maps them to Dim (linearly, or by an MLP with
// hidden layers; the default and examples/movielens.yaml are linear) and adds an item-ID
// vector for items seen in training; ID vectors are dropped at random while
// training (DropoutNet, Volkovs et al. 2017) so that text alone places an item
// well. The user tower pools the item vectors of the user's most recent
// interactions (with recency weights) and maps them by an affine layer. Both
// are L2-normalised; the score is their inner product.
//
// # Training
//
// Each example is a user's training item predicted from the items before it.
// The loss is the in-batch sampled softmax (loss.SampledSoftmax): the batch's
// other target items are the negatives, with the logQ correction that
// subtracts log Q(j) from each logit of key j, Q(j) the probability that item
// j is among the keys (from its frequency as a target; keys are deduplicated,
// and topped up to a fixed count with further draws from the same
// distribution). A second term is the same softmax between items that follow each
// other closely in a history (item-item contrastive pairs from co-occurrence).
// The epoch with the best validation Recall@10 is kept.
//
// # Evaluation
//
// Rankings are over whole candidate sets, never sampled negatives (Krichene
// & Rendle 2020), and exclude the items of the user's history; ties count in
// expectation over a random order. The warm protocol ranks the test items
// that are not cold among all items that are not cold; the cold-start
// protocol ranks the cold test items among the cold items. Recall@10,
// Recall@20 and NDCG@10 are reported for the model and, in the same run, for
// the most-popular and item-kNN (cosine on the co-rating matrix) baselines.
// Cold items have no training interactions, so both baselines rank them in
// random order: their cold-start figures are what chance gives.
//
// # Serving
//
// LoadModel reads a run directory; Model.Recommend maps a history of movie IDs
// to the top k movies through an exact inner-product index (package index),
// never returning the history or the excluded movies. HandleJSON answers the
// body of POST /v1/recommend, {"history": [1, 260, 1196], "k": 5, "exclude":
// [2571]}, with {"items": [{"movie_id": ..., "title": ..., "score": ...}]};
// errors the caller caused wrap ErrBadRequest.
package recommend
