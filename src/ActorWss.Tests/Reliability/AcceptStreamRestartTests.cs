using ActorWss.Configuration;
using ActorWss.Server;
using ActorWss.Tests.Support;
using ActorWss.Transport;
using ActorWss.WebSocket;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>A listener whose accept stream fails binds its port again and goes on accepting, instead of going deaf.</summary>
public sealed class AcceptStreamRestartTests(ITestOutputHelper output) : ServerScenario(output)
{
    /// <summary>The real socket transport, whose first accept stream fails after one connection.</summary>
    private sealed class FailsOnce(IServerTransport inner) : IServerTransport
    {
        private int _binds;

        public int Binds => Volatile.Read(ref _binds);

        public Source<AcceptedConnection, Task<TransportBinding>> Bind(string host, int port, int backlog)
        {
            var accepted = inner.Bind(host, port, backlog);
            return Interlocked.Increment(ref _binds) == 1 ? accepted.Via(new FailAfterFirst()) : accepted;
        }
    }

    /// <summary>Passes one element, then fails when asked for the next.</summary>
    private sealed class FailAfterFirst : GraphStage<FlowShape<AcceptedConnection, AcceptedConnection>>
    {
        private readonly Inlet<AcceptedConnection> _in = new("fail-after-first.in");
        private readonly Outlet<AcceptedConnection> _out = new("fail-after-first.out");

        public override FlowShape<AcceptedConnection, AcceptedConnection> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private bool _passed;

            public Logic(FailAfterFirst stage) : base(stage.Shape)
            {
                SetHandler(stage._in, onPush: () =>
                {
                    _passed = true;
                    Push(stage._out, Grab(stage._in));
                });
                SetHandler(stage._out, onPull: () =>
                {
                    if (_passed) FailStage(new IOException("accept stream broke"));
                    else Pull(stage._in);
                });
            }
        }
    }

    private static async Task EchoAsync(Uri url)
    {
        await using var client = await RawWebSocketClient.OpenAsync(url);
        await client.SendTextAsync("hello");
        Assert.Equal(Opcode.Text, (await client.ReadFrameAsync()).Opcode);
    }

    [Fact]
    public async Task A_failed_accept_stream_is_bound_again_on_the_same_port()
    {
        var transport = new FailsOnce(new SocketTransport(TransportSettings.Default));
        var server = await ActorWssServer.StartAsync(Sys, SettingsParser.Parse(ConfigLoader.ParseOverrides(["actorwss.listeners.ws.port=0"])),
            transport: transport);
        await EchoAsync(UrlOf(server));

        await AwaitAssertAsync(() => EchoAsync(UrlOf(server)), Timeout, TimeSpan.FromMilliseconds(100));

        Assert.Equal(2, transport.Binds);
    }
}
