using Akka;
using Akka.IO;
using Akka.Streams.Dsl;

namespace ActorWss.Transport;

/// <summary>
/// Merges outbound chunks produced while a socket write is in flight into the next write, up to a size. The
/// Akka.Streams TCP stage keeps one write in flight and waits for its ack; without this, a burst of small frames
/// would cost one write (and one ack round trip through the connection actor) each. Inbound bytes pass untouched.
/// Used under ws:// only: the TLS stage coalesces plaintext into records itself, which is where it pays most.
/// </summary>
internal static class WriteCoalescing
{
    public static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> Create(int maxBytes) =>
        BidiFlow.FromFlows(
            Flow.Create<ByteString>(),
            Flow.Create<ByteString>()
                .BatchWeighted(maxBytes, chunk => chunk.Count, chunk => chunk, (batch, chunk) => batch.Concat(chunk))
                .Named("coalesce-writes"));
}
