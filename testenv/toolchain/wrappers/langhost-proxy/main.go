// Command pulumi-language-nodejs-proxy stands in front of the toolchain's Node
// language host. That host (sdk/v3 v3.68.0, the newest the Go module proxy
// serves) answers RunPlugin with "not supported", and today's engine starts a
// Node policy pack (`--policy-pack <dir>`) through RunPlugin. This process
// passes every other call through to the host unchanged and runs policy packs
// itself, as a current host does: node @pulumi/pulumi/cmd/run-policy-pack.
//
// Usage: pulumi-language-nodejs-proxy <host binary> [host arguments...]
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

const runPluginMethod = "/pulumirpc.LanguageRuntime/RunPlugin"

// The engine allows messages this large; a passed-through call must too.
const maxMessageBytes = 400 << 20

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-language-nodejs-proxy <host binary> [host arguments...]")
		os.Exit(2)
	}
	host, hostPort, err := startHost(os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "language host proxy: starting %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+hostPort,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}),
			grpc.MaxCallRecvMsgSize(maxMessageBytes), grpc.MaxCallSendMsgSize(maxMessageBytes)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "language host proxy: connecting to the host on port %s: %v\n", hostPort, err)
		os.Exit(1)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "language host proxy: listening on loopback: %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(
		grpc.ForceServerCodec(rawCodec{}),
		grpc.UnknownServiceHandler(proxy{host: conn}.handle),
		grpc.MaxRecvMsgSize(maxMessageBytes), grpc.MaxSendMsgSize(maxMessageBytes))
	fmt.Println(listener.Addr().(*net.TCPAddr).Port)

	go func() {
		// The host ending ends the proxy, with the host's exit code.
		err := host.Wait()
		server.Stop()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.ExitCode())
		}
		os.Exit(0)
	}()
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "language host proxy: serving: %v\n", err)
		os.Exit(1)
	}
}

// startHost runs the real host and reads the port it prints first; the rest
// of its stdout is passed on.
func startHost(bin string, args []string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	// The host must not outlive the proxy, whichever way the proxy ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	reader := bufio.NewReader(stdout)
	line, err := reader.ReadString('\n')
	if err != nil {
		return nil, "", fmt.Errorf("it printed no port (%v)", err)
	}
	go func() { _, _ = io.Copy(os.Stdout, reader) }()
	return cmd, strings.TrimSpace(line), nil
}

// rawCodec carries messages as their wire bytes, so calls pass through undecoded.
type rawCodec struct{}

type frame struct{ data []byte }

func (rawCodec) Marshal(v any) ([]byte, error) { return v.(*frame).data, nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	v.(*frame).data = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

type proxy struct{ host *grpc.ClientConn }

func (p proxy) handle(_ any, in grpc.ServerStream) error {
	method, ok := grpc.MethodFromServerStream(in)
	if !ok {
		return status.Error(codes.Internal, "language host proxy: call without a method")
	}
	if method == runPluginMethod {
		return runPlugin(in)
	}
	return p.passThrough(method, in)
}

// passThrough relays one call of any shape (unary or streaming) to the host.
func (p proxy) passThrough(method string, in grpc.ServerStream) error {
	ctx, cancel := context.WithCancel(in.Context())
	defer cancel()
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		ctx = metadata.NewOutgoingContext(ctx, forwardable(md))
	}
	out, err := p.host.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}, method)
	if err != nil {
		return err
	}
	go func() {
		for {
			msg := &frame{}
			if err := in.RecvMsg(msg); err != nil {
				if errors.Is(err, io.EOF) {
					_ = out.CloseSend()
				} else {
					cancel()
				}
				return
			}
			if err := out.SendMsg(msg); err != nil {
				return
			}
		}
	}()
	if header, err := out.Header(); err == nil {
		_ = in.SendHeader(header)
	}
	for {
		msg := &frame{}
		err := out.RecvMsg(msg)
		if errors.Is(err, io.EOF) {
			in.SetTrailer(out.Trailer())
			return nil
		}
		if err != nil {
			in.SetTrailer(out.Trailer())
			return err
		}
		if err := in.SendMsg(msg); err != nil {
			return err
		}
	}
}

// forwardable drops the transport's own headers, which the client sets anew.
func forwardable(md metadata.MD) metadata.MD {
	kept := metadata.MD{}
	for key, values := range md {
		if strings.HasPrefix(key, ":") || strings.HasPrefix(key, "grpc-") ||
			key == "content-type" || key == "user-agent" || key == "te" {
			continue
		}
		kept[key] = values
	}
	return kept
}

// runPlugin starts a Node policy pack and streams its output and exit code.
func runPlugin(in grpc.ServerStream) error {
	msg := &frame{}
	if err := in.RecvMsg(msg); err != nil {
		return err
	}
	req := &pulumirpc.RunPluginRequest{}
	if err := proto.Unmarshal(msg.data, req); err != nil {
		return status.Errorf(codes.InvalidArgument, "language host proxy: decoding RunPlugin: %v", err)
	}
	if req.GetKind() != "analyzer" {
		return status.Errorf(codes.Unimplemented,
			"language host proxy: runs analyzer (policy pack) plugins only, not %q plugins", req.GetKind())
	}
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		return status.Error(codes.InvalidArgument, "language host proxy: RunPlugin names no program directory")
	}
	entry, err := findModule(dir, "@pulumi/pulumi/cmd/run-policy-pack")
	if err != nil {
		return status.Error(codes.FailedPrecondition, err.Error())
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return status.Errorf(codes.FailedPrecondition, "language host proxy: node is not on PATH: %v", err)
	}
	program := dir
	if point := req.GetInfo().GetEntryPoint(); point != "" {
		program = filepath.Join(dir, point)
	}
	// run-policy-pack takes <engine address> <program>; the engine sends its address as the only argument.
	cmd := exec.CommandContext(in.Context(), node, append(append([]string{entry}, req.GetArgs()...), program)...)
	// The pack's own folder, as the old pulumi-analyzer-policy script did:
	// PolicyPack reads its version from ./package.json.
	cmd.Dir = dir
	cmd.Env = req.GetEnv()
	if len(cmd.Env) == 0 {
		cmd.Env = os.Environ()
	}
	var sendLock sync.Mutex
	send := func(res *pulumirpc.RunPluginResponse) error {
		data, err := proto.Marshal(res)
		if err != nil {
			return err
		}
		sendLock.Lock()
		defer sendLock.Unlock()
		return in.SendMsg(&frame{data: data})
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return status.Errorf(codes.Internal, "language host proxy: starting %s: %v", node, err)
	}
	var copying sync.WaitGroup
	relay := func(from io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer copying.Done()
		buf := make([]byte, 32<<10)
		for {
			n, err := from.Read(buf)
			if n > 0 {
				_ = send(wrap(append([]byte(nil), buf[:n]...)))
			}
			if err != nil {
				return
			}
		}
	}
	copying.Add(2)
	go relay(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go relay(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	copying.Wait()
	code := 0
	if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return status.Errorf(codes.Internal, "language host proxy: waiting for the policy pack: %v", err)
		}
		code = exit.ExitCode()
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

// findModule resolves a package path from dir upwards, as Node would.
func findModule(dir, module string) (string, error) {
	for at := dir; ; at = filepath.Dir(at) {
		candidate := filepath.Join(at, "node_modules", module)
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(at) == at {
			return "", fmt.Errorf("cannot find module '%s' from %s: run npm install there", module, dir)
		}
	}
}
