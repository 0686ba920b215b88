using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorWss.Bench.Peers;

/// <summary>
/// The peer for context: what a .NET developer would write without ActorWss. ASP.NET Core's Kestrel with its
/// WebSocket middleware, ws:// and wss:// on loopback, echoing every message (same type, same payload). Default
/// settings, as a user would run it; the GC mode is the same as the ActorWss server's (Directory.Build.props).
/// <c>GET /metrics</c> serves the runtime counters ActorWss serves, so the bench reads the same per-echo costs.
/// </summary>
public static class KestrelEchoServer
{
    public static async Task RunAsync(int wsPort, int wssPort, X509Certificate2 certificate, CancellationToken stop)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, wsPort);
            kestrel.Listen(IPAddress.Loopback, wssPort, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(EchoAsync);
        await app.StartAsync(stop);
        foreach (var address in app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                     .Features.Get<IServerAddressesFeature>()!.Addresses)
            Console.WriteLine($"Listening on {address.Replace("http", "ws", StringComparison.Ordinal)}/ (kestrel)");
        // SIGTERM reaches the host's lifetime, not our token: wait for either.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop, app.Lifetime.ApplicationStopping);
        try { await Task.Delay(Timeout.Infinite, stopping.Token); }
        catch (OperationCanceledException) { }
        await app.StopAsync();
    }

    private static async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            if (context.Request.Path == "/metrics")
            {
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await context.Response.WriteAsync(RuntimeCountersText.Render());
                return;
            }
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int count = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                if (count == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                received = await socket.ReceiveAsync(buffer.AsMemory(count), context.RequestAborted);
                count += received.Count;
            } while (!received.EndOfMessage);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, count), received.MessageType, true, context.RequestAborted);
        }
    }
}
