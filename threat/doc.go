// Package threat detects network attacks with contrastive embeddings of
// connection records: NSL-KDD (Tavallaee et al. 2009, "A Detailed Analysis of
// the KDD CUP 99 Data Set", CISDA) for training and evaluation, and live
// traffic read from pcap and pcapng captures.
//
// # Features
//
// A Pipeline, fitted on the training split only, log1p-scales the
// heavy-tailed counts and standardises every numeric field; the categorical
// fields (protocol_type, service, flag) become ids into the training levels,
// embedded by the encoder (or one-hot coded). Labels are binary (normal or
// attack) and the five categories normal, dos, probe, r2l, u2r.
//
// # Model
//
// The Encoder is an MLP with batch (or layer) normalisation. It is
// pre-trained with SCARF (Bahri, Jiang, Tay & Metzler 2022, arXiv 2106.15147:
// NT-Xent between a record and a copy whose features are partly replaced by
// draws from their marginals) and fine-tuned with supervised contrastive
// learning (Khosla et al. 2020, arXiv 2004.11362) while a class-weighted
// linear head learns the five categories. Records are also classified by kNN
// over the embedded training split (Wu et al. 2018, arXiv 1805.01978).
//
// A second encoder (or several, novelty.members, from different seeds, whose
// distances are averaged) is trained on normal records only, with SCARF or (method
// shifted) by contrasting each record with a lightly corrupted copy of
// itself, its positive, and heavily corrupted copies, its negatives (CSI's
// shifted instances, Tack et al. 2020, arXiv 2007.08176), never with other
// records. The anomaly score of a record is its distance to the k-th nearest
// normal training record in that space (optionally plus a weighted distance
// in the input space, each over its median on the calibration normals); the
// threshold is set so that a chosen fraction of the calibration normals
// exceed it: the normals of the validation split (held out of the training
// file) and the training normals, each scored against the others
// (leave-one-out). KDDTest+ holds 18
// attack types absent from KDDTrain+_20Percent (17 absent from the full
// KDDTrain+; perl is the 18th), so the final decision flags a
// record when the head or the anomaly score says attack. The same distance in
// the scaled input space is reported as the baseline the learned space must
// beat, and so is the equal-weight sum of the two.
//
// Recipes are chosen on the training file alone: the validation normals
// against every attack of the training file (the novelty encoder never sees
// an attack), reported as val_novelty_auroc and its variants.
//
// # Live traffic
//
// ReadPcap groups the packets of a pcap or pcapng capture (gopacket's pure-Go
// pcapgo reader and layers) into bidirectional 5-tuple flows and computes the
// NSL-KDD features that packets determine: duration, protocol, service by
// port, bytes each way, the connection state flag (SF, S0, REJ, RSTO, ...),
// land, wrong_fragment, urgent, and the time-window (2 s) and host-window
// (last 100 connections) counts and rates. Of the content features, it reads
// the clear-text logins (FTP, telnet, rlogin, POP3, IMAP) from the payload
// of each TCP connection to their ports, in sequence order up to the first
// lost segment: logged_in, num_failed_logins, is_guest_login,
// num_file_creations and su_attempted (see Content); logged_in also for
// established connections of the services that NSL-KDD marks logged in
// without a login to parse (http, smtp, ...), and for an ftp_data
// connection inside a logged-in FTP session. FTP data connections are
// ftp_data, as in KDD, when they come from port 20 or go to a port that the
// FTP control connection announced (PASV, EPSV, PORT, EPRT). The shell-session features
// (hot, root_shell, num_shells, ...) are 0. Flow.Record and TableOf turn
// flows into rows that Model.Score reads.
//
// # Serving
//
// Served adapts a Model to package server: it embeds records for /v1/embed,
// /v1/search and /v1/items and scores them at POST /v1/score. A record is a
// flat JSON object of NSL-KDD's 41 fields by name (DecodeRecord: strict about
// names, types and ranges); the answer per record is a Verdict (anomaly,
// threshold, novel, is_attack, category, probs). POST /v1/score/capture
// takes a pcap or pcapng capture as its body and answers a FlowVerdict per
// connection: the Verdict beside the connection (5-tuple, times, bytes,
// service, flag and login features) as `contrast embed --data pcap:FILE`
// names it.
//
// # Results
//
// examples/nslkdd.yaml (train on KDDTrain+_20Percent, 15% of it held out for
// validation; test on KDDTest+), measured with
//
//	CONTRAST_LONG=1 go test -run TestNSLKDDFull -v ./threat
//	contrast train --config examples/nslkdd.yaml --out DIR   (the same run)
//
// (seed 1; 56 s of wall time on two cores, 310 MB resident):
//
//	accuracy_binary 0.9069    accuracy_5class 0.8499    macro_f1_5class 0.6918
//	recall normal 0.961, dos 0.867, probe 0.736, r2l 0.562, u2r 0.185
//	auroc_anomaly_learned 0.9647 (AP 0.968)    auroc_anomaly_input_knn 0.9646 (AP 0.956)
//	auroc_anomaly_combined 0.9677 (AP 0.960)
//	head alone: binary 0.813, 5-class 0.788;  kNN alone: binary 0.798, 5-class 0.777
//
// With seeds 2 and 3 (the same config otherwise): binary 0.9108 and 0.9069,
// 5-class 0.8263 and 0.8545 (r2l recall 0.352 and 0.568), learned AUROC
// 0.9603 and 0.9682 against input 0.9645 and 0.9644, the sum 0.9675 and
// 0.9688, learned AP 0.961 and 0.972 against 0.957 and 0.957. Over the three
// seeds the learned space ties the input space in AUROC (mean 0.9644 against
// 0.9645), wins in AP every time, and the sum beats the input space every
// time; 5-class accuracy follows r2l recall and falls below 0.84 at seed 2
// (see below for why). DeLong's test (eval.CompareAUC; metrics
// auroc_anomaly_learned_minus_input and auroc_anomaly_combined_minus_input
// with _se and _p) on the three models: learned minus input +0.0001 (SE
// 0.0008), -0.0041 (0.0008) and +0.0038 (0.0007), so the seed moves the
// learned space more than the test set's sampling error does; the sum minus
// input +0.0031, +0.0030 and +0.0044 (SE 0.0003 each, z 9 to 15), so the
// learned distances add information to the input space's at every seed.
//
// The threshold used to be set on the 2,017 validation normals alone (seeds 1-3: binary 0.9075, 0.9111, 0.9091; 5-class 0.8504,
// 0.8262, 0.8554; r2l recall 0.562, 0.353, 0.570; the same AUROCs). Pooling
// them with the training normals scored leave-one-out (13,449 calibration
// normals, chosen on the training file before this run; see
// calibrationDistances) moved the test normals above the threshold to 2.3%,
// 1.7% and 1.7% and moved binary and 5-class accuracy by at most 0.0022 at every
// seed.
//
// On the attacks the anomaly score exists for, the learned space wins at
// seeds 1-3 in AUROC and at 1% and 2% false alarms, and loses slightly at
// 5% (seventh session; metrics _unseen and tpr_at_fpr_<level>_*,
// see putUnseen and fprLevels). KDDTest+'s 3,752 attacks of types the
// training file lacks, against its normals: learned AUROC 0.9463, 0.9467
// and 0.9497 against input 0.9425, 0.9410 and 0.9397 (DeLong differences
// +0.0038, +0.0057, +0.0101, SE 0.0008); detected at 1% false alarms 0.448,
// 0.466, 0.474 against 0.147, 0.171, 0.167; at 2% 0.632, 0.667, 0.643
// against 0.509, 0.523, 0.517; at 5% 0.776, 0.771, 0.756 against 0.786,
// 0.785, 0.790. Over all attacks at 2% the input space detects more at
// seeds 1 and 2 (0.663 and 0.669 against 0.569 and 0.576), on the types the
// head catches anyway; so deciding on it (novelty.input_knn, the same
// calibration) lost binary accuracy: 0.854, 0.865, 0.857 (5-class 0.822,
// 0.826, 0.826), and so did deciding on the equal-weight sum
// (novelty.input_weight 1: 0.878, 0.884, 0.878; 5-class 0.824, 0.827,
// 0.829; a rule written before the runs required binary 0.90 and 5-class
// within 0.005 of the default's at every seed). The unseen-type figures were defined after the pooled AUROC had
// tied for several sessions: they measure what the score is for, but were
// chosen knowing that.
//
// Seeds 4 to 10 of the same config (seventh session, run to see the
// spread, not to choose anything) show that seeds 1-3 were a kind draw.
// Over the ten seeds: binary accuracy 0.8778-0.9108 (mean 0.9020, >= 0.90 at
// 7), 5-class 0.8196-0.8575 (mean 0.8442, >= 0.84 at 8), learned AUROC
// 0.9500-0.9696 (mean 0.9625, sd 0.0065, >= 0.96 at 7) against the input
// space's 0.9637-0.9646 (sd 0.0003); the three bars together at 4 seeds
// (1, 3, 7, 10). On the unseen types the learned space wins in AUROC at 8
// seeds (losing at 4 and 5 by 0.0041 and 0.0119, SE 0.0009 and 0.0011),
// detects more of them at 1% false alarms at all 10 (0.21-0.59 against
// 0.15-0.17), at 2% at 8, and fewer at 5% at 9. The learned space's spread
// over the seeds, not its mean, is what keeps the issue open.
//
// Seed 2's low r2l recall is the head's doing, not the anomaly score's
// (found in the fifth session; the fourth blamed the threshold). The score
// flags about the same share of KDDTest+'s 2,754 r2l records at seeds 1 and
// 2 (1,241 and 1,276), among them nearly all 1,231 guess_passwd records
// (1,175 and 1,212). The head alone calls most of those normal (1,046 and
// 1,166), and a flagged record the head calls normal gets the head's most
// probable attack category: in the end r2l for 1,163 of them at seed 1, but at
// seed 2 r2l for 578 and probe for 634. The training file holds 10
// guess_passwd records, so which attack category the head extrapolates to
// for them is a coin the seed tosses. (Counted with TestNSLKDDConfusion on
// the two models.)
// TestNovelCategorySelection tried other rules on the training file alone,
// each attack type in turn held out of training: the kNN vote of the nearest
// attack records in the classifier's space, the nearest attack record in the
// input space, and a linear probe on the classifier's representations of
// the attack records alone, unweighted and weighted as the head is. Pooled
// over the 815 decided records: head 0.531, kNN 0.467, input 0.137, probe
// 0.704, weighted probe 0.530. The unweighted probe wins on the held-out
// floods (smurf: 0.936 against 0.642) by its prior for dos, the largest
// attack category of the training file: weighted like the head, it scores
// as the head does. The held-out types are four dos, four probe and one r2l
// type (on which every rule fails), while KDDTest+'s new types are mostly
// r2l, so a rule that wins by favouring dos was not adopted, and none was run
// on KDDTest+ (sixth session). Nor does averaging heads help
// (TestHeadEnsembleSelection, sixth session): three heads from seeds 1, 1001
// and 2001 put 0.531, 0.553 and 0.656 of the decided records right, the mean of
// their probabilities 0.574, so an ensemble tosses the seed's coin more
// smoothly but does not categorise better than one head on average.
//
// novelty.members: 5 (five novelty encoders from different seeds, the mean
// of their distances; 20 s more; measured with the validation-only
// threshold) narrowed the learned space's spread over the seeds only
// somewhat, run for seeds 1 to 3:
// learned AUROC 0.9648, 0.9626 and 0.9673 against 0.9646, 0.9645 and 0.9644
// (mean 0.9649), AP 0.968, 0.965 and 0.972, 5-class 0.8504, 0.8273 and
// 0.8575, binary 0.9072, 0.9121 and 0.9125. r2l recall at a seed is the
// same with one or five encoders (0.353 and 0.349 at seed 2, 0.570 at seed
// 3): the head, which the members do not change, decides it (above). The default stays at one
// encoder. Over seeds 1 to 10 (seventh session, pooled threshold) five
// members cut the spread to a third: learned AUROC 0.9616-0.9675 (sd
// 0.0022 against 0.0065 with one), binary 0.9062-0.9110 (sd 0.0017 against
// 0.0107); the three bars hold together at 9 seeds against 4, all but seed
// 2 (the head's r2l category); on unseen types ahead of the input space at
// all 10 (+0.0029 to +0.0082). The default was not changed in that session
// (its README examples were measured with the one-encoder seed-1 model).
//
// Nor is the validation split needed to explain the learned space's spread
// over the seeds, as the fourth session thought. TestNoveltySeedSpread holds the
// split out of it: the pipeline fitted on the whole training file, the
// novelty encoder trained on, and its bank filled with, all 13,449 normals
// of it, so that only the encoder's own randomness (initialisation, batch
// order, corruptions) varies. Seeds 1 to 5 then gave learned AUROC 0.9596,
// 0.9648, 0.9633, 0.9626 and 0.9651 (mean 0.9631, sd 0.0022; the default
// recipe's three seeds spread 0.9603-0.9682) against 0.9648 for the input
// space every time; DeLong differences -0.0052 (SE 0.0009),
// 0.0000, -0.0015, -0.0022 (SE 0.0008) and +0.0003. Training on every
// normal thus does not make the learned space beat the input space either;
// a single run's comparison is a draw from that spread.
//
// The classifier alone misses the attack types that only KDDTest+ holds;
// the anomaly score (threshold: 2% of the calibration normals above it; 2.3%
// of the test normals were) raises binary accuracy from 0.81 to 0.91 and r2l
// recall from 0.18 to 0.56.
//
// Over all attacks the learned novelty space only ties the input-space kNN
// baseline in AUROC (it wins in average precision, 0.968 against 0.956); on
// the unseen types it wins (above). The equal-weight sum
// of the two distances, chosen on validation (0.9892 against 0.9881 learned
// and 0.9871 input), beats both on KDDTest+ in AUROC but not in AP, and used
// for the decision (with the validation-only threshold of the time) it lost
// r2l recall (0.36) and binary accuracy (0.882), so the decision stays on the
// learned distance (with the pooled threshold the seventh session's runs
// gave the same verdict, above).
//
// Validation on the training file does not predict the learned space
// against the input space on KDDTest+. The stratified validation normals have
// near-duplicates among the training normals, so every space and recipe
// prefers k=1 there (input space 0.9955 against 0.9871 at k=10), while on
// KDDTest+ k=1 lost (input 0.9604, learned 0.9576, and 9% of the test normals
// above the threshold). SCARF with its usual settings (20 epochs, temperature
// 0.5, 60% corruption) spreads the normal records uniformly over the sphere
// and dropped the AUROC to 0.90. u2r (200 test records, 11 in training) stays
// mostly undetected as a category.
//
// A harder validation (TestNoveltySelection, selection_test.go) holds out
// whole k-means clusters of the training normals (their median distance to
// the nearest reference normal 0.55, against 0.21 for the random split) and
// also scores the hard attacks (difficulty at most 17) alone. On it, method
// shifted (no normalisation, 5% corruption for the positive, 8 negatives at
// 30%, temperature 0.5) beats the input space on every figure at two seeds
// (grouped 0.979 and 0.983 against 0.956; hard attacks against the grouped
// normals 0.955 and 0.948 against 0.938), while the default SCARF recipe
// loses on the hard attacks (0.905 and 0.918) and on the macro AUROC. But on
// KDDTest+ shifted did not follow: at k=10 (seed 1) 0.9654 against 0.9646,
// with binary accuracy 0.867 (its threshold caught fewer of the new r2l
// attacks: recall 0.35); at k=20 with negatives at 40%, chosen on the first
// version of that validation and run on KDDTest+ for seeds 1, 2 and 3, it
// lost: 0.9614, 0.9624 and 0.9569 against 0.9643, 0.9633 and 0.9631, binary
// accuracy 0.867, 0.878 and 0.845. The training file's attacks, on which
// every validation scores, are not KDDTest+'s 18 new attack types; a space
// learned from normal records that wins on the former only ties on the
// latter, and the bar (the learned space must beat the input space
// on KDDTest+) is not met. The default stays SCARF at temperature 2, whose
// threshold keeps binary accuracy above 0.90.
//
// Tried on that validation only, and not run on KDDTest+ (none beat
// shifted there): Barlow Twins (Zbontar et al. 2021) between two corruptions
// at 20%, projector 256-256, lambda 5e-3, 5 epochs: grouped 0.970 and 0.976
// against 0.956, but hard grouped 0.936 and 0.940 against 0.938 and macro
// 0.899 and 0.885 against 0.912 (20 epochs: lower); and kNN in the input
// space whitened on the reference normals (PCA, each direction over the
// square root of its variance plus a tenth of the mean variance): random
// 0.990, grouped 0.983, hard random 0.975, hard grouped 0.955, the same kind
// of gain as shifted's and as an untrained encoder's (grouped 0.982 and
// 0.986), which did not carry over to KDDTest+; and kNN on the novelty
// encoder's output before L2 normalisation (its norm kept, as CSI's score
// keeps it), which did not beat the input space there either: default recipe
// grouped 0.973 and 0.977, but hard grouped 0.922 and 0.929 and macro 0.884
// and 0.870.
//
// KDDTest+ has been scored for these novelty recipes, and no others: SCARF
// at temperature 2 (the default, seeds 1 to 3, with the threshold on the
// validation normals and on all calibration normals, and with five members,
// seeds 1 to 3), SCARF with its usual settings, k=1, the
// equal-weight sum (as a decision too, seeds 1 to 3 in the seventh
// session), the input-space distance as the decision (seeds 1 to 3, seventh
// session), shifted at k=10, and shifted at k=20 (three seeds).
//
// # Files
//
// Train writes into its output directory config.yaml, metrics.json (flat,
// atomic), model.json (the feature pipeline, encoder spec and calibration),
// model.safetensors (weights) and bank.safetensors (the encoded training
// split, from which the kNN and anomaly references are re-embedded at load).
package threat
