using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ActorWss.Configuration;

namespace ActorWss.Hosting;

/// <summary>
/// <c>ActorWss --health-check</c>: asks the server's own <c>GET /healthz</c> on the first enabled listener (ws://
/// preferred; over TLS without certificate checks for wss://) and exits 0 when it answers 200. For container
/// health checks: the runtime image has no curl.
/// </summary>
internal static class HealthCheck
{
    public static async Task<int> RunAsync(ServerSettings settings, TimeSpan timeout, string path = "/healthz")
    {
        var listener = settings.Listeners.OrderBy(l => l.Tls is null ? 0 : 1).First();
        var host = listener.Host is "0.0.0.0" or "*" ? "127.0.0.1" : listener.Host is "::" ? "::1" : listener.Host;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(host, listener.Port, cts.Token);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (listener.Tls is not null)
            {
                var ssl = new SslStream(stream, false, (_, _, _, _) => true); // asking ourselves: the certificate is ours
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cts.Token);
                stream = ssl;
            }
            await using (stream)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"), cts.Token);
                using var reader = new StreamReader(stream, Encoding.ASCII);
                var status = await reader.ReadLineAsync(cts.Token);
                bool healthy = status is not null && status.StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
                Console.WriteLine($"{listener.Scheme}://{host}:{listener.Port}{path}: {status ?? "no answer"}");
                return healthy ? 0 : 1;
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            Console.WriteLine($"{listener.Scheme}://{host}:{listener.Port}{path}: {e.Message}");
            return 1;
        }
    }
}
