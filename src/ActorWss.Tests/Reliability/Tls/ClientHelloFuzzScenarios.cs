using System.Net.Sockets;
using ActorWss.Tests.Support;
using ActorWss.Tests.Tls;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability.Tls;

/// <summary>
/// Issue 12, defect 7 (TLS item): mutants of a recorded ClientHello, from a fixed seed, against a real server. Each mutant is
/// sent, followed by a FIN, and the server must answer it precisely: an alert when it refused the hello (OpenSSL's
/// own, or the decode_error the server sends for hellos SslStream refuses before OpenSSL sees them), or nothing (or
/// its own handshake flight) when the hello was cut short by the FIN. Nothing is thrown, every connection ends, the
/// counts add up, and a fresh client still gets in.
/// </summary>
public abstract class ClientHelloFuzzScenarios(ITestOutputHelper output, TlsFaultMode mode) : TlsFaultScenario(output, mode)
{
    private const int Seed = 20261130;
    private const int Mutants = 200;

    private enum Answer
    {
        /// <summary>A TLS alert record (in the clear: no keys exist yet).</summary>
        Alert,
        /// <summary>The server's handshake flight and no alert: it took the hello, then saw the FIN.</summary>
        Handshake,
        Nothing,
    }

    /// <summary>
    /// One to three changes, each one of: a random byte anywhere after the content type (a ClientHello always begins
    /// with a handshake record, so that byte is kept), a length field set to a random value, or a cut.
    /// </summary>
    private static byte[] Mutate(byte[] hello, Random random)
    {
        var mutant = (byte[])hello.Clone();
        for (int changes = random.Next(1, 4); changes > 0; changes--)
        {
            switch (random.Next(4))
            {
                case 0:
                case 1:
                    mutant[random.Next(1, mutant.Length)] = (byte)random.Next(256);
                    break;
                case 2:
                    // record length (3), handshake length (6, 24-bit: its low 16 bits), cipher_suites length
                    int[] lengths = [3, 7, ClientHellos.CipherSuitesLengthOffset(hello)];
                    int at = lengths[random.Next(lengths.Length)];
                    if (at + 1 < mutant.Length) (mutant[at], mutant[at + 1]) = ((byte)random.Next(256), (byte)random.Next(256));
                    break;
                default:
                    mutant = mutant[..random.Next(6, mutant.Length)];
                    break;
            }
        }
        return mutant;
    }

    private static Answer Classify(byte[] response)
    {
        if (response.Length == 0) return Answer.Nothing;
        for (int at = 0; at + 5 <= response.Length; at += 5 + ((response[at + 3] << 8) | response[at + 4]))
            if (response[at] == 21) return Answer.Alert;
        return Answer.Handshake;
    }

    /// <summary>Sends <paramref name="mutant"/> and a FIN; returns what the server sent before it closed.</summary>
    private static async Task<byte[]> SendAsync(Uri url, byte[] mutant)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(url.Host, url.Port).WaitAsync(TlsPeer.Timeout);
        await socket.SendAsync(mutant);
        socket.Shutdown(SocketShutdown.Send);
        using var response = new MemoryStream();
        var buffer = new byte[16 * 1024];
        using var cts = new CancellationTokenSource(TlsPeer.Timeout);
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0) response.Write(buffer, 0, n);
        }
        catch (SocketException) { } // a reset after the answer is still an end
        return response.ToArray();
    }

    [Fact]
    public async Task Mutated_client_hellos_get_an_alert_or_are_dropped_and_nothing_else_breaks()
    {
        var hello = ClientHellos.Recorded;
        var server = await StartTlsServerAsync();
        var url = UrlOf(server);
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        var random = new Random(Seed);
        var mutants = Enumerable.Range(0, Mutants).Select(_ => Mutate(hello, random)).ToList();

        var answers = new List<Answer>();
        foreach (var batch in mutants.Chunk(20))
            answers.AddRange((await Task.WhenAll(batch.Select(m => SendAsync(url, m)))).Select(Classify));

        await AssertAllConnectionsEndAsync(server);
        var handshakes = server.Metrics[Listener].TlsHandshakes;
        Output.WriteLine("answers: " + string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Key} {g.Count()}")));
        Output.WriteLine("counted: " + string.Join(", ", handshakes.Snapshot().Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(Mutants, handshakes.Snapshot().Sum(kv => kv.Value));
        Assert.Equal(0, handshakes["ok"]);
        Assert.Equal(answers.Count(a => a == Answer.Alert), handshakes["protocol"]);
        Assert.Equal(answers.Count(a => a != Answer.Alert), handshakes["peer-closed"]);
        await AssertServerStillEchoesAsync(server);
        Assert.Equal(1, handshakes["ok"]);
        Assert.False(errors.HasMessages, "an error was logged");
    }
}

public sealed class ClientHelloFuzzInline(ITestOutputHelper output) : ClientHelloFuzzScenarios(output, TlsFaultMode.Inline);

public sealed class ClientHelloFuzzOffload(ITestOutputHelper output) : ClientHelloFuzzScenarios(output, TlsFaultMode.Offload);

public sealed class ClientHelloFuzzAdaptive(ITestOutputHelper output) : ClientHelloFuzzScenarios(output, TlsFaultMode.Adaptive);
