//go:build linux

package main

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"planbot/seeds"
)

// The image's build steps without Docker (no engine runs here or in CI):
// scripts/build-release.sh, which the Dockerfile runs too, builds the binary;
// it is copied alone into an empty directory and run there as nobody with an
// empty environment, as on distroless/static where nothing but the binary
// exists and the user is not root.

const (
	releaseToken = "4242:release-test-TOKEN"
	// releaseQuestion is answered by article 5 with releaseClause, verbatim.
	releaseQuestion = "人均预期寿命要达到多少岁"
	releaseClause   = "健康东阳、幸福东阳等城市品牌更加响亮,人均预期寿命达到80.5岁,人民全生命周期需求普遍得到更高水平满足"
	releaseArticle  = "第5条"
	nobodyID        = 65534
)

// userCacheHome is XDG_CACHE_HOME as the process started, read before TestMain
// points it at a temporary directory for the engine: the go command keeps its
// build cache under it, and a build with a fresh, empty cache takes half a
// minute longer.
var userCacheHome, userCacheHomeSet = os.LookupEnv("XDG_CACHE_HOME")

// TestReleaseBinary builds the release binary with the script the Dockerfile
// runs and checks what the image relies on: no dynamic loader or shared
// libraries, and a binary that answers and serves with nothing around it.
func TestReleaseBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release binary (about 30 s with a cold build cache, 2 s warm)")
	}
	if !strings.Contains(string(seeds.Dongyang()), releaseClause) {
		t.Fatalf("releaseClause is not in the plan any more: %s", releaseClause)
	}
	built := buildRelease(t)
	dir, bin := installAlone(t, built)
	attr := nonRoot(t)

	t.Run("static", func(t *testing.T) { assertStatic(t, bin) })
	t.Run("trimpath", func(t *testing.T) {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(wd)) {
			t.Errorf("the binary holds the build directory %s: built without -trimpath?", wd)
		}
	})
	t.Run("ask", func(t *testing.T) {
		out, errOut, err := runAlone(t, dir, bin, attr, nil, "ask", releaseQuestion)
		if err != nil {
			t.Fatalf("ask: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
		}
		if !strings.Contains(out, releaseArticle) || !strings.Contains(out, releaseClause) {
			t.Errorf("answer lacks %s or the clause %q:\n%s", releaseArticle, releaseClause, out)
		}
	})
	t.Run("version", func(t *testing.T) {
		out, errOut, err := runAlone(t, dir, bin, attr, nil, "version")
		if err != nil || !strings.HasPrefix(out, "planbot ") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("version: %v %q (want planbot … %s)\nstderr:\n%s", err, out, runtime.Version(), errOut)
		}
	})
	t.Run("serve", func(t *testing.T) { serveAlone(t, dir, bin, attr) })

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the binary wrote into its working directory: %d entries", len(entries))
	}
}

// buildRelease runs scripts/build-release.sh and logs the binary's size.
func buildRelease(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "planbot")
	start := time.Now()
	cmd := exec.Command("./scripts/build-release.sh", out)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "XDG_CACHE_HOME=") })
	if userCacheHomeSet {
		cmd.Env = append(cmd.Env, "XDG_CACHE_HOME="+userCacheHome)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build-release.sh: %v\n%s", err, b)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("release binary: %d bytes (%.1f MiB), built in %s", fi.Size(), float64(fi.Size())/(1<<20), time.Since(start).Round(time.Millisecond))
	return out
}

// installAlone copies the binary into a fresh directory that holds nothing
// else, readable and searchable by every user (t.TempDir is 0700, which
// nobody could not enter).
func installAlone(t *testing.T, built string) (dir, bin string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "planbot-release-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(built)
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "planbot")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, bin
}

// nonRoot returns the process attributes that run the binary as nobody. A
// test process that is not root cannot switch user; it runs the binary as
// itself, which is not root either.
func nonRoot(t *testing.T) *syscall.SysProcAttr {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Logf("not root, so no user switch: the binary runs as this process's user (uid %d)", os.Geteuid())
		return &syscall.SysProcAttr{}
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID, Groups: []uint32{}}}
}

// assertStatic fails when the binary asks for a dynamic loader (PT_INTERP)
// or a shared library (DT_NEEDED): distroless/static has neither.
func assertStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary has a program interpreter (PT_INTERP): dynamically linked")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	if len(libs) > 0 {
		t.Errorf("the binary needs shared libraries: %v", libs)
	}
}

// aloneCmd is the binary run from its own directory with exactly env (no
// HOME, no PATH, no TMPDIR) under attr.
func aloneCmd(ctx context.Context, dir, bin string, attr *syscall.SysProcAttr, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{}, env...) // non-nil: nothing inherited
	cmd.SysProcAttr = attr
	return cmd
}

// runAlone runs one command line with only env in the environment.
func runAlone(t *testing.T, dir, bin string, attr *syscall.SysProcAttr, env []string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := aloneCmd(ctx, dir, bin, attr, env, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// serveAlone runs `planbot serve` against a fake Bot API that delivers one
// private question: /healthz must answer, the question must be answered
// with the article, and SIGTERM must end the process with status 0.
func serveAlone(t *testing.T, dir, bin string, attr *syscall.SysProcAttr) {
	tg := newReleaseAPI(t)
	listen := freeAddr(t)
	env := []string{
		"PLANBOT_TELEGRAM_TOKEN=" + releaseToken,
		"PLANBOT_TELEGRAM_API_URL=" + tg.srv.URL,
		"PLANBOT_LISTEN=" + listen,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logs := &syncWriter{}
	cmd := aloneCmd(ctx, dir, bin, attr, env, "serve")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start serve: %v", err)
	}
	var waitErr error
	exited := make(chan struct{}) // closed once waitErr is set
	go func() { waitErr = cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Kill() // ErrProcessDone once it has exited
		<-exited
	}()

	waitHealthy(t, listen, exited, logs)
	checkProcess(t, cmd.Process.Pid, attr, env)
	if out, errOut, err := runAlone(t, dir, bin, attr, []string{"PLANBOT_LISTEN=" + listen}, "healthcheck"); err != nil {
		t.Errorf("planbot healthcheck (the image's HEALTHCHECK): %v\n%s%s", err, out, errOut)
	}

	select {
	case form := <-tg.sent:
		text := html.UnescapeString(htmlTag.ReplaceAllString(form.Get("text"), "")) // <b> marks matched words
		if form.Get("chat_id") != "7" || form.Get("parse_mode") != "HTML" ||
			!strings.Contains(text, releaseArticle) || !strings.Contains(text, releaseClause) {
			t.Errorf("reply to chat %s (parse_mode %q) lacks %s or the clause:\n%s",
				form.Get("chat_id"), form.Get("parse_mode"), releaseArticle, form.Get("text"))
		}
	case <-exited:
		t.Fatalf("serve exited before answering: %v\nlog:\n%s", waitErr, logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("no sendMessage for the question; log:\n%s", logs)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("serve after SIGTERM: %v, want exit status 0\nlog:\n%s", waitErr, logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve still running 30 s after SIGTERM; log:\n%s", logs)
	}
	if strings.Contains(logs.String(), releaseToken) {
		t.Errorf("token in the log:\n%s", logs)
	}
}

// htmlTag matches one tag of Telegram HTML.
var htmlTag = regexp.MustCompile(`<[^>]*>`)

// waitHealthy polls /healthz until it answers 200, the process exits, or a
// deadline passes.
func waitHealthy(t *testing.T, listen string, exited <-chan struct{}, logs fmt.Stringer) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := client.Get("http://" + listen + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			t.Fatalf("serve exited before /healthz answered; log:\n%s", logs)
		case <-deadline:
			t.Fatalf("/healthz never answered 200 (last: %v); log:\n%s", err, logs)
		case <-tick.C:
		}
	}
}

// checkProcess reads /proc: the serving process runs as the user attr asks
// for and its environment is exactly env.
func checkProcess(t *testing.T, pid int, attr *syscall.SysProcAttr, env []string) {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	want := os.Geteuid()
	if attr.Credential != nil {
		want = int(attr.Credential.Uid)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "Uid:" {
			if f[2] != strconv.Itoa(want) || f[2] == "0" {
				t.Errorf("serve runs as uid %s, want %d (not root)", f[2], want)
			}
		}
	}
	environ, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(environ), "\x00"), "\x00")
	if strings.Join(got, "\n") != strings.Join(env, "\n") {
		t.Errorf("serve's environment is %q, want only %q", got, env)
	}
}

// freeAddr returns a loopback address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// releaseAPI is a minimal Bot API on loopback: getMe, deleteWebhook,
// setMyCommands, getUpdates delivering one private question and then long
// polls that wait, and sendMessage sending its form on sent.
type releaseAPI struct {
	srv  *httptest.Server
	sent chan url.Values
	done chan struct{} // closed at the end of the test: releases long polls
}

func newReleaseAPI(t *testing.T) *releaseAPI {
	a := &releaseAPI{sent: make(chan url.Values, 16), done: make(chan struct{})}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	t.Cleanup(func() { close(a.done) }) // runs first
	return a
}

// releaseUpdate is the one update: a private text message from user 7.
var releaseUpdate = fmt.Sprintf(`[{"update_id":1,"message":{"message_id":10,"date":1700000000,`+
	`"from":{"id":7,"is_bot":false,"first_name":"U"},"chat":{"id":7,"type":"private"},"text":%q}}]`, releaseQuestion)

func (a *releaseAPI) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil { // a consumed body lets the server notice the client leave
		releaseReply(w, http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request"}`)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+releaseToken+"/")
	if !ok {
		releaseReply(w, http.StatusUnauthorized, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	switch method {
	case "getMe":
		releaseReply(w, http.StatusOK, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"P","username":"PlanBot"}}`)
	case "deleteWebhook", "setMyCommands":
		releaseReply(w, http.StatusOK, `{"ok":true,"result":true}`)
	case "getUpdates":
		a.getUpdates(w, r)
	case "sendMessage":
		select {
		case a.sent <- r.PostForm:
		default: // more replies than the test reads
		}
		msg, _ := json.Marshal(map[string]any{"message_id": 11, "date": 1700000001,
			"chat": map[string]any{"id": 7, "type": "private"}, "text": r.PostForm.Get("text")})
		releaseReply(w, http.StatusOK, `{"ok":true,"result":`+string(msg)+`}`)
	default:
		releaseReply(w, http.StatusNotFound, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`)
	}
}

// getUpdates delivers the question until an offset confirms it; after that
// a long poll waits until the client gives up and timeout=0 answers at once.
func (a *releaseAPI) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.PostForm.Get("offset"))
	if offset <= 1 {
		releaseReply(w, http.StatusOK, `{"ok":true,"result":`+releaseUpdate+`}`)
		return
	}
	if r.PostForm.Get("timeout") != "0" {
		select {
		case <-r.Context().Done():
			return
		case <-a.done:
		}
	}
	releaseReply(w, http.StatusOK, `{"ok":true,"result":[]}`)
}

func releaseReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
