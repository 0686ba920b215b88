using ActorWss.WebSocket;
using Akka.IO;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// <see cref="MessageAssembler"/>'s size arithmetic alone, at every edge: the limit, one past it, lengths that
/// overflow a signed 64-bit sum, the running length of a fragmented message, and what a finished message leaves
/// behind (nothing).
/// </summary>
public sealed class SizeLimitArithmeticTests
{
    private const long Limit = 1024;

    private static MessageAssembler WithFragment(int length, long limit = Limit)
    {
        var assembler = new MessageAssembler(limit);
        assembler.Start(MessageType.Binary);
        Assert.Equal(AppendOutcome.Appended, assembler.Append(ByteString.FromBytes(new byte[length])));
        return assembler;
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(Limit - 1, false)]
    [InlineData(Limit, false)]
    [InlineData(Limit + 1, true)]
    [InlineData(long.MaxValue, true)]
    [InlineData(-1, true)] // no parser emits it; refused all the same
    public void A_new_message_is_measured_from_zero(long declared, bool exceeds)
    {
        var assembler = new MessageAssembler(Limit);

        Assert.Equal(exceeds, assembler.WouldExceedLimit(Opcode.Binary, declared));
        Assert.Equal(exceeds, assembler.WouldExceedLimit(Opcode.Text, declared));
    }

    [Theory]
    [InlineData(1, Limit - 1, false)]
    [InlineData(1, Limit, true)]
    [InlineData(1, long.MaxValue, true)]
    [InlineData(1, long.MaxValue - 1, true)]
    [InlineData(Limit, 0, false)]
    [InlineData(Limit, 1, true)]
    [InlineData(Limit, long.MaxValue, true)]
    [InlineData(0, Limit, false)]
    public void A_continuation_adds_to_the_message_under_way_without_overflowing(int soFar, long declared, bool exceeds)
    {
        var assembler = WithFragment(soFar);

        Assert.Equal(exceeds, assembler.WouldExceedLimit(Opcode.Continuation, declared));
    }

    [Theory]
    [InlineData(1, long.MaxValue)]
    [InlineData(1000, Limit)]
    [InlineData(Limit, Limit)]
    public void A_finished_message_leaves_no_length_behind(int first, long next)
    {
        var assembler = WithFragment(first);
        Assert.Equal(FinishOutcome.Finished, assembler.Finish(out var message));
        Assert.Equal(first, message.Payload.Count);

        Assert.Equal(0, assembler.Length);
        Assert.False(assembler.InMessage);
        Assert.Equal(next > Limit, assembler.WouldExceedLimit(Opcode.Binary, next));
        Assert.Equal(next > Limit, assembler.WouldExceedLimit(Opcode.Continuation, next)); // and nothing to continue
    }

    [Fact]
    public void A_new_message_after_a_discarded_one_starts_from_zero()
    {
        var assembler = WithFragment(900);
        assembler.Discard();
        assembler.Start(MessageType.Binary);

        Assert.False(assembler.WouldExceedLimit(Opcode.Continuation, Limit));
    }

    [Fact]
    public void Payload_past_the_limit_is_refused_and_not_kept_even_if_a_header_check_was_skipped()
    {
        var assembler = WithFragment((int)Limit - 10);

        Assert.Equal(AppendOutcome.TooBig, assembler.Append(ByteString.FromBytes(new byte[11])));
        Assert.Equal(Limit - 10, assembler.Length);
        Assert.Equal(AppendOutcome.Appended, assembler.Append(ByteString.FromBytes(new byte[10])));
        Assert.Equal(FinishOutcome.Finished, assembler.Finish(out var message));
        Assert.Equal(Limit, message.Payload.Count);
    }

    [Fact]
    public void The_largest_configurable_limit_does_not_overflow_either()
    {
        var assembler = WithFragment(1, limit: int.MaxValue);

        Assert.False(assembler.WouldExceedLimit(Opcode.Continuation, int.MaxValue - 1L));
        Assert.True(assembler.WouldExceedLimit(Opcode.Continuation, int.MaxValue));
        Assert.True(assembler.WouldExceedLimit(Opcode.Continuation, long.MaxValue));
    }

    [Fact]
    public void Fragments_are_joined_in_order()
    {
        var assembler = new MessageAssembler(Limit);
        assembler.Start(MessageType.Text);
        assembler.Append(ByteString.FromString("ab"));
        assembler.Append(ByteString.Empty);
        assembler.Append(ByteString.FromString("cd"));

        Assert.Equal(FinishOutcome.Finished, assembler.Finish(out var message));
        Assert.Equal("abcd", message.GetText());
        Assert.Equal(0, assembler.Length);
    }

    [Fact]
    public void Text_ending_inside_a_utf8_sequence_is_not_a_message()
    {
        var assembler = new MessageAssembler(Limit);
        assembler.Start(MessageType.Text);
        Assert.Equal(AppendOutcome.Appended, assembler.Append(ByteString.FromBytes([0x61, 0xE2, 0x82])));

        Assert.Equal(FinishOutcome.InvalidUtf8, assembler.Finish(out _));
        Assert.Equal(0, assembler.Length);
    }
}
