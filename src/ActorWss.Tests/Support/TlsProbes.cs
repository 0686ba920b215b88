using System.IO.Pipelines;
using System.Net.Security;
using ActorWss.Bench.Load;

namespace ActorWss.Tests.Support;

/// <summary>TLS bytes for bad-input tests: what a real client sends first.</summary>
public static class TlsProbes
{
    /// <summary>A real ClientHello record, as .NET's SslStream sends it (TLS 1.2/1.3, SNI localhost).</summary>
    public static async Task<byte[]> ClientHelloAsync()
    {
        var toServer = new Pipe();
        var silence = new Pipe();
        var client = new SslStream(new DuplexPipeStream(silence.Reader, toServer.Writer));
        _ = client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        var read = await toServer.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var hello = System.Buffers.BuffersExtensions.ToArray(read.Buffer);
        await silence.Writer.CompleteAsync();
        return hello;
    }
}
