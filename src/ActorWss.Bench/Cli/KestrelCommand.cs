using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Bench.Peers;

namespace ActorWss.Bench.Cli;

/// <summary><c>kestrel</c>: the peer server (ASP.NET Core Kestrel WebSocket echo), run by the matrix as a process.</summary>
public static class KestrelCommand
{
    public const string Usage = """
        kestrel --cert PEM --key PEM [--ws-port P] [--wss-port P]
                                            Kestrel WebSocket echo on 127.0.0.1 (ports default to 0: any free port)
        """;

    public static async Task<int> RunAsync(CommandArgs args)
    {
        int wsPort = args.Int("--ws-port", 0, 0, 65535), wssPort = args.Int("--wss-port", 0, 0, 65535);
        var cert = args.Text("--cert") ?? throw new ArgumentException("--cert is required");
        var key = args.Text("--key") ?? throw new ArgumentException("--key is required");
        args.RejectUnknown();

        using var pem = X509Certificate2.CreateFromPemFile(cert, key);
        using var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        using var stop = new CancellationTokenSource();
        // Registrations, not ProcessExit: ProcessExit also runs after a normal return, when the token is disposed.
        // Disposed before it (declared after it), so no signal reaches a disposed token.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        await KestrelEchoServer.RunAsync(wsPort, wssPort, certificate, stop.Token);
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // the server stops itself and the process returns from here
            stop.Cancel();
        }
    }
}
