using ActorWss.Tls;
using Akka.IO;

namespace ActorWss.Tests.Tls;

public sealed class TlsRecordFramingTests
{
    /// <summary>An application-data record (content type 23, TLS 1.2 legacy version) with a payload of <paramref name="length"/> bytes.</summary>
    private static byte[] Record(int length) => [23, 3, 3, (byte)(length >> 8), (byte)length, .. new byte[length]];

    private static ByteString Bytes(params byte[][] parts) =>
        parts.Aggregate(ByteString.Empty, (all, part) => all.Concat(ByteString.FromBytes(part)));

    [Fact]
    public void Whole_records_end_where_the_last_complete_one_ends()
    {
        var data = Bytes(Record(10), Record(20), Record(30)[..12]);

        Assert.Equal(15 + 25, TlsRecordFraming.EndOfWholeRecords(data, 0));
        Assert.Equal(15 + 25, TlsRecordFraming.EndOfWholeRecords(data, 15));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]   // not even a header
    [InlineData(14)]  // header and all but one payload byte
    public void A_partial_first_record_gives_nothing(int available)
    {
        Assert.Equal(0, TlsRecordFraming.EndOfWholeRecords(ByteString.FromBytes(Record(10)[..available]), 0));
    }

    [Fact]
    public void The_limit_bounds_how_many_records_are_taken_but_never_the_first()
    {
        var data = Bytes(Record(100), Record(100), Record(100));

        Assert.Equal(105, TlsRecordFraming.EndOfWholeRecords(data, 0, limit: 10));
        Assert.Equal(210, TlsRecordFraming.EndOfWholeRecords(data, 0, limit: 210));
        Assert.Equal(210, TlsRecordFraming.EndOfWholeRecords(data, 0, limit: 314));
    }

    [Theory]
    [InlineData(new byte[] { 71, 69, 84, 32, 47 })]        // "GET /": plain HTTP on a TLS port
    [InlineData(new byte[] { 22, 2, 0, 0, 5 })]           // legacy version 2.x
    [InlineData(new byte[] { 23, 3, 3, 0x48, 0x01 })]     // longer than any record may be (RFC 5246 §6.2.3)
    public void Bytes_that_are_not_TLS_framing_are_flagged(byte[] header)
    {
        Assert.Equal(-1, TlsRecordFraming.EndOfWholeRecords(Bytes(Record(3), header), 0));
    }

    [Fact]
    public void A_record_split_over_many_chunks_is_found_whole()
    {
        var record = Record(300);
        var data = record.Chunk(7).Aggregate(ByteString.Empty, (all, chunk) => all.Concat(ByteString.FromBytes(chunk)));

        Assert.Equal(305, TlsRecordFraming.EndOfWholeRecords(data, 0));
        Assert.Equal(305, TlsRecordFraming.RecordLength(data, 0));
    }
}
