package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/client"
)

// keepDir, when CONTRAST_CRASH_KEEP names a directory, is where a failing
// crash test copies its index directory for inspection.
var keepDir = os.Getenv("CONTRAST_CRASH_KEEP")

// buildContrast compiles the contrast binary into a temporary directory.
func buildContrast(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "contrast")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/contrast-ml/contrast/cmd/contrast").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// served is a running `contrast serve`.
type served struct {
	cmd  *exec.Cmd
	c    *client.Client
	mu   sync.Mutex
	logs strings.Builder
	done chan error
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServe runs `contrast serve` on a free loopback port and waits until
// it listens.
func startServe(t *testing.T, bin string, args ...string) *served {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.logs.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case a := <-addr:
		if s.c, err = client.New("http://" + a); err != nil {
			t.Fatal(err)
		}
	case err := <-s.done:
		t.Fatalf("contrast serve exited: %v\n%s", err, s.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("contrast serve did not listen\n%s", s.log())
	}
	return s
}

func (s *served) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// ledger records what the server acknowledged.
type ledger struct {
	mu      sync.Mutex
	items   map[string]client.Item
	deleted map[string]bool
	pending map[string]bool // deletes sent but not acknowledged: either outcome is right
	maybe   map[string]bool // upserts sent but not acknowledged: likewise
	acks    int
}

// streamWrites runs writers against s until stop is closed or the server
// stops answering; every acknowledged write goes into the ledger.
func streamWrites(s *served, l *ledger, writers, dim int, round string, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			var mine []string
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx := context.Background()
				if n%7 == 6 && len(mine) > 0 { // delete one of ours
					id := mine[0]
					mine = mine[1:]
					l.mu.Lock()
					delete(l.items, id)
					l.pending[id] = true
					l.mu.Unlock()
					if err := s.c.Delete(ctx, id); err != nil {
						return
					}
					l.mu.Lock()
					delete(l.pending, id)
					l.deleted[id] = true
					l.acks++
					l.mu.Unlock()
					continue
				}
				batch := make([]client.Item, 1+rng.IntN(4))
				for i := range batch {
					v := make([]float32, dim)
					for j := range v {
						v[j] = float32(rng.NormFloat64())
					}
					id := fmt.Sprintf("%s-w%d-%d-%d", round, w, n, i)
					batch[i] = client.Item{ID: id, Vector: v, Meta: json.RawMessage(fmt.Sprintf(`{"n":%d}`, n))}
				}
				l.mu.Lock()
				for _, it := range batch {
					l.maybe[it.ID] = true
				}
				l.mu.Unlock()
				if _, err := s.c.Upsert(ctx, batch...); err != nil {
					return // the server is gone
				}
				l.mu.Lock()
				for _, it := range batch {
					delete(l.maybe, it.ID)
					l.items[it.ID] = it
					mine = append(mine, it.ID)
				}
				l.acks++
				l.mu.Unlock()
			}
		}()
	}
	return &wg
}

// check verifies that every acknowledged upsert is present with its vector
// and metadata and every acknowledged delete is absent.
func (l *ledger) check(t *testing.T, s *served) {
	c := s.c
	t.Helper()
	ctx := context.Background()
	for id, want := range l.items {
		got, err := c.Get(ctx, id)
		if err != nil {
			t.Fatalf("acknowledged item %s lost: %v\n%s", id, err, s.log())
		}
		if fmt.Sprint(got.Vector) != fmt.Sprint(want.Vector) || string(got.Meta) != string(want.Meta) {
			t.Fatalf("item %s came back as %v %s, want %v %s", id, got.Vector, got.Meta, want.Vector, want.Meta)
		}
	}
	for id := range l.deleted {
		if _, err := c.Get(ctx, id); !client.IsCode(err, client.CodeNotFound) {
			t.Fatalf("acknowledged delete of %s undone: %v", id, err)
		}
	}
	// Unacknowledged writes may or may not have happened; the size must
	// agree with what is there.
	want := len(l.items)
	for _, set := range []map[string]bool{l.maybe, l.pending} {
		for id := range set {
			if _, err := c.Get(ctx, id); err == nil {
				want++
			} else if !client.IsCode(err, client.CodeNotFound) {
				t.Fatal(err)
			}
		}
	}
	if n, err := c.Health(ctx); err != nil || n != want {
		t.Fatalf("%d items (%v), want %d: %d acknowledged, the rest unacknowledged writes that happened", n, err, want, len(l.items))
	}
}

// TestCrashKeepsAcknowledgedWrites starts `contrast serve`, streams upserts
// and deletes from several clients, SIGKILLs the server in the middle of the
// stream, restarts it on the same index directory and checks that every
// acknowledged write is there; then does the same with SIGTERM (graceful:
// requests in flight finish, the index is compacted and closed, exit 0).
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the contrast binary")
	}
	const dim = 8
	bin := buildContrast(t)
	dir := filepath.Join(t.TempDir(), "idx")
	t.Cleanup(func() {
		if t.Failed() && keepDir != "" {
			exec.Command("cp", "-r", dir, keepDir).Run()
		}
	})
	args := []string{"--index", dir, "--dim", fmt.Sprint(dim), "--metric", "dot", "--kind", "hnsw", "--sync", "group", "--compact-on-exit=false"}
	l := &ledger{items: map[string]client.Item{}, deleted: map[string]bool{}, pending: map[string]bool{}, maybe: map[string]bool{}}

	for round := range 3 {
		s := startServe(t, bin, args...)
		l.check(t, s) // what earlier rounds acknowledged
		stop := make(chan struct{})
		wg := streamWrites(s, l, 6, dim, fmt.Sprint("r", round), stop)
		for start := l.acks; ; time.Sleep(5 * time.Millisecond) {
			l.mu.Lock()
			n := l.acks
			l.mu.Unlock()
			if n-start >= 150 {
				break
			}
		}
		if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil { // mid-stream: writers are still sending
			t.Fatal(err)
		}
		<-s.done
		close(stop)
		wg.Wait()
		t.Logf("round %d: killed after %d acknowledged writes in all (%d items live)", round, l.acks, len(l.items))
	}

	s := startServe(t, bin, args...)
	if !strings.Contains(s.log(), "log_records_replayed=") {
		t.Errorf("restart did not report its recovery:\n%s", s.log())
	}
	l.check(t, s)

	// Graceful stop during the stream.
	stop := make(chan struct{})
	wg := streamWrites(s, l, 6, dim, "graceful", stop)
	time.Sleep(200 * time.Millisecond)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-s.done; err != nil {
		t.Fatalf("contrast serve exited with %v after SIGTERM\n%s", err, s.log())
	}
	close(stop)
	wg.Wait()
	if !strings.Contains(s.log(), `msg="index closed"`) {
		t.Errorf("no clean close in the log:\n%s", s.log())
	}
	s = startServe(t, bin, append(args, "--compact-on-exit=true")...)
	l.check(t, s)
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	s = startServe(t, bin, args...)
	if !strings.Contains(s.log(), "log_records_replayed=0 ") {
		t.Errorf("after compaction on exit the log still had records:\n%s", s.log())
	}
	l.check(t, s)
}
