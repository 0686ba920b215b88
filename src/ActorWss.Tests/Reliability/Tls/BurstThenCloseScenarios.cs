using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability.Tls;

/// <summary>
/// Issue 12, defect 2: clients that write a burst, then close_notify and FIN, and never read. Under inline and
/// adaptive TLS most of 200 such connections stayed open for good: the decrypt step that read close_notify also
/// returned plaintext the layers above could not take yet, and the stage then never read on to the FIN.
/// </summary>
public abstract class BurstThenCloseScenarios(ITestOutputHelper output, TlsFaultMode mode) : TlsFaultScenario(output, mode)
{
    [Fact]
    public async Task Two_hundred_clients_that_send_a_burst_then_close_notify_and_fin_without_reading_all_end()
    {
        var server = await StartTlsServerAsync();
        var url = UrlOf(server);
        var peers = new List<TlsPeer>();
        try
        {
            foreach (var batch in Enumerable.Range(0, 200).Chunk(20))
            {
                peers.AddRange(await Task.WhenAll(batch.Select(async _ =>
                {
                    var peer = await TlsPeer.OpenAsync(url);
                    await peer.SendMessagesAsync(50, 64);
                    await peer.CloseNotifyAsync();
                    peer.Fin(); // and never read: the socket stays open on this side until the test ends
                    return peer;
                })));
            }

            await AssertAllConnectionsEndAsync(server, TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (var peer in peers) await peer.DisposeAsync();
        }
    }
}

public sealed class BurstThenCloseInline(ITestOutputHelper output) : BurstThenCloseScenarios(output, TlsFaultMode.Inline);

public sealed class BurstThenCloseOffload(ITestOutputHelper output) : BurstThenCloseScenarios(output, TlsFaultMode.Offload);

public sealed class BurstThenCloseAdaptive(ITestOutputHelper output) : BurstThenCloseScenarios(output, TlsFaultMode.Adaptive);
