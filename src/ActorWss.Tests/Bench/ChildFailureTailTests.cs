using ActorWss.Bench.Matrix;

namespace ActorWss.Tests.Bench;

/// <summary>A failed load generator's output, as the report's error column shows it.</summary>
public class ChildFailureTailTests
{
    [Fact]
    public void An_unhandled_exception_is_named_before_the_last_lines_of_its_stack()
    {
        var output = string.Join('\n',
            "fan-out: connecting 100",
            "Unhandled exception. System.IO.EndOfStreamException: server closed the connection during the handshake",
            "   at ActorWss.Bench.Load.WebSocketClientConnection.UpgradeAsync(Uri url, CancellationToken cancellation)",
            "   at ActorWss.Bench.Load.FanoutLoad.RunAsync(FanoutOptions options)",
            "   at ActorWss.Bench.Cli.FanoutCommand.RunAsync(CommandArgs args)",
            "   at Program.<Main>(String[] args)");

        Assert.Equal("Unhandled exception. System.IO.EndOfStreamException: server closed the connection during the handshake"
            + " / at ActorWss.Bench.Load.FanoutLoad.RunAsync(FanoutOptions options)"
            + " /    at ActorWss.Bench.Cli.FanoutCommand.RunAsync(CommandArgs args)"
            + " /    at Program.<Main>(String[] args)", MatrixRunner.Tail(output));
    }

    [Fact]
    public void Without_an_exception_the_last_three_lines_are_the_tail()
    {
        Assert.Equal("b / c / d", MatrixRunner.Tail("a\nb\nc\nd\n"));
    }

    [Fact]
    public void An_exception_already_in_the_last_lines_is_not_repeated()
    {
        Assert.Equal("x / Unhandled exception. System.Exception: boom", MatrixRunner.Tail("x\nUnhandled exception. System.Exception: boom\n"));
    }
}
