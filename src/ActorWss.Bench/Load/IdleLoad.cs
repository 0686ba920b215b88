using System.Diagnostics;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Load;

/// <summary>Options of an idle-memory measurement.</summary>
/// <param name="Settle">Wait after the last connection opened (and before the baseline), so the server is quiet when read.</param>
public sealed record IdleOptions(Uri Url, int Connections, bool Insecure, TimeSpan Settle, int MessageSize = 64, int ConnectConcurrency = 64);

/// <summary>
/// The idle-memory mode: the server's resident memory, then <see cref="IdleOptions.Connections"/> connections that
/// each complete one echo and stay open doing nothing, and its resident memory again. The growth per connection is
/// what a server pays to hold a connection: buffers, actors, TLS sessions.
/// </summary>
public static class IdleLoad
{
    public static async Task<IdleMemoryResult> RunAsync(IdleOptions options, int serverPid, string mode, int repeat,
        Action<LoadProgress>? progress = null, CancellationToken cancellation = default)
    {
        LoadOptions.RequireLoopback(options.Url);
        await Task.Delay(options.Settle, cancellation);
        long baseline = ProcStats.RssBytes(serverPid) ?? throw new InvalidOperationException($"no /proc/{serverPid}: the server is gone");

        var clock = Stopwatch.StartNew();
        var connections = new List<EchoConnection>(options.Connections);
        long errors = 0;
        string? firstError = null;
        try
        {
            using var gate = new SemaphoreSlim(options.ConnectConcurrency);
            await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(async _ =>
            {
                await gate.WaitAsync(cancellation);
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                    timeout.CancelAfter(TimeSpan.FromSeconds(30));
                    var connection = await EchoConnection.OpenAsync(options.Url, options.MessageSize, options.Insecure, timeout.Token);
                    lock (connections) connections.Add(connection);
                    await connection.EchoOnceAsync(timeout.Token);
                    int opened;
                    lock (connections) opened = connections.Count;
                    if (opened % 500 == 0) progress?.Invoke(new LoadProgress("connecting", clock.Elapsed, opened, Interlocked.Read(ref errors)));
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref errors) == 1) firstError = e.Message;
                }
                finally
                {
                    gate.Release();
                }
            }));
            double connectSeconds = clock.Elapsed.TotalSeconds;
            await Task.Delay(options.Settle, cancellation);
            long loaded = ProcStats.RssBytes(serverPid) ?? throw new InvalidOperationException($"no /proc/{serverPid}: the server is gone");
            return new IdleMemoryResult(mode, options.Connections, repeat, baseline, loaded, connectSeconds, errors, firstError,
                connections.FirstOrDefault()?.Tls);
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
