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
    /// <summary>The real socket transport, whose first accept stream fails after <paramref name="connections"/> connections.</summary>
    private sealed class FailsOnce(IServerTransport inner, int connections = 1) : IServerTransport
    {
        private int _binds;

        public int Binds => Volatile.Read(ref _binds);

        public Source<AcceptedConnection, Task<TransportBinding>> Bind(string host, int port, int backlog)
        {
            var accepted = inner.Bind(host, port, backlog);
            return Interlocked.Increment(ref _binds) == 1 ? accepted.Via(new BurstThenFail(connections)) : accepted;
        }
    }

    /// <summary>
    /// Takes <paramref name="count"/> elements before it passes any, then passes them all at once as demanded, and
    /// fails when asked for one more: a listener sees a burst of connections and the failure right behind it.
    /// </summary>
    private sealed class BurstThenFail(int count) : GraphStage<FlowShape<AcceptedConnection, AcceptedConnection>>
    {
        private readonly Inlet<AcceptedConnection> _in = new("burst-then-fail.in");
        private readonly Outlet<AcceptedConnection> _out = new("burst-then-fail.out");

        public override FlowShape<AcceptedConnection, AcceptedConnection> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this, count);

        private sealed class Logic : GraphStageLogic
        {
            private readonly Queue<AcceptedConnection> _held = new();
            private bool _collected;

            public Logic(BurstThenFail stage, int count) : base(stage.Shape)
            {
                SetHandler(stage._in, onPush: () =>
                {
                    _held.Enqueue(Grab(stage._in));
                    if (_held.Count < count) Pull(stage._in);
                    else
                    {
                        _collected = true;
                        if (IsAvailable(stage._out)) Push(stage._out, _held.Dequeue());
                    }
                });
                SetHandler(stage._out, onPull: () =>
                {
                    if (!_collected)
                    {
                        if (!HasBeenPulled(stage._in)) Pull(stage._in);
                    }
                    else if (_held.Count > 0) Push(stage._out, _held.Dequeue());
                    else FailStage(new IOException("accept stream broke"));
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

    /// <summary>
    /// Connections the accept stream took before it failed are served, not dropped unanswered: the failure reaches
    /// the listener just after a burst of three, before it has acknowledged the first.
    /// </summary>
    [Fact]
    public async Task Connections_accepted_just_before_the_accept_stream_fails_are_served()
    {
        var server = await ActorWssServer.StartAsync(Sys, SettingsParser.Parse(ConfigLoader.ParseOverrides(["actorwss.listeners.ws.port=0"])),
            transport: new FailsOnce(new SocketTransport(TransportSettings.Default), connections: 3));
        var url = UrlOf(server);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => EchoAsync(url)));

        await AwaitAssertAsync(() => EchoAsync(url), Timeout, TimeSpan.FromMilliseconds(100));
    }
}
