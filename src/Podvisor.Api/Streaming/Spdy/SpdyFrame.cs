using System.Buffers.Binary;
using System.Text;

namespace Podvisor.Api.Streaming.Spdy;

/// <summary>SPDY/3.1 frame types this server handles (draft-mbelshe-httpbis-spdy-00, with 3.1's WINDOW_UPDATE).</summary>
internal enum SpdyControlType : ushort
{
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}

internal abstract record SpdyFrame;

internal sealed record SpdyDataFrame(uint StreamId, bool Fin, byte[] Data) : SpdyFrame;

internal sealed record SpdySynStreamFrame(uint StreamId, bool Fin, IReadOnlyDictionary<string, string> Headers) : SpdyFrame;

internal sealed record SpdyRstStreamFrame(uint StreamId, uint Status) : SpdyFrame;

internal sealed record SpdyPingFrame(uint Id) : SpdyFrame;

internal sealed record SpdyGoAwayFrame(uint LastGoodStreamId) : SpdyFrame;

/// <summary>A control frame the session ignores (SETTINGS, WINDOW_UPDATE, HEADERS, SYN_REPLY from a client).</summary>
internal sealed record SpdyIgnoredFrame(SpdyControlType Type) : SpdyFrame;

/// <summary>
/// Reads and writes SPDY/3.1 frames. Each direction has one zlib context for header blocks that lives as long as the
/// connection (the protocol requires it). Reading is single-threaded; writes are serialised by the caller.
/// </summary>
internal sealed class SpdyFramer : IDisposable
{
    private const int MaxFrameLength = 16 * 1024 * 1024;
    private const int MaxHeaderBlock = 64 * 1024;
    private const ushort Version = 3;

    private readonly Stream _input;
    private readonly ZlibStreamNative _inflater = ZlibStreamNative.CreateDecompressor(SpdyHeaderDictionary.Bytes);
    private readonly ZlibStreamNative _deflater = ZlibStreamNative.CreateCompressor(SpdyHeaderDictionary.Bytes);
    private readonly byte[] _header = new byte[8];

    public SpdyFramer(Stream input)
    {
        _input = input;
    }

    /// <summary>Null at a clean end of the input.</summary>
    public async Task<SpdyFrame?> ReadFrameAsync(CancellationToken ct)
    {
        var read = await _input.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, ct);
        if (read == 0)
        {
            return null;
        }

        if (read < _header.Length)
        {
            throw new InvalidDataException("SPDY frame header truncated");
        }

        var flags = _header[4];
        var length = (_header[5] << 16) | (_header[6] << 8) | _header[7];
        if (length > MaxFrameLength)
        {
            throw new InvalidDataException($"SPDY frame of {length} bytes is too large");
        }

        var payload = new byte[length];
        await _input.ReadExactlyAsync(payload, ct);
        if ((_header[0] & 0x80) == 0)
        {
            var streamId = BinaryPrimitives.ReadUInt32BigEndian(_header) & 0x7fffffff;
            return new SpdyDataFrame(streamId, (flags & 1) != 0, payload);
        }

        var version = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(_header) & 0x7fff);
        if (version != Version)
        {
            throw new InvalidDataException($"unsupported SPDY version {version}");
        }

        var type = (SpdyControlType)BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2));
        switch (type)
        {
            case SpdyControlType.SynStream:
                {
                    RequireLength(payload, 10, type);
                    var streamId = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff;
                    var headers = DecodeHeaders(payload.AsSpan(10));
                    return new SpdySynStreamFrame(streamId, (flags & 1) != 0, headers);
                }

            case SpdyControlType.SynReply:
            case SpdyControlType.Headers:
                // The header block must still be inflated to keep the shared zlib context in step.
                RequireLength(payload, 4, type);
                DecodeHeaders(payload.AsSpan(4));
                return new SpdyIgnoredFrame(type);
            case SpdyControlType.RstStream:
                RequireLength(payload, 8, type);
                return new SpdyRstStreamFrame(
                    BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff,
                    BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)));
            case SpdyControlType.Ping:
                RequireLength(payload, 4, type);
                return new SpdyPingFrame(BinaryPrimitives.ReadUInt32BigEndian(payload));
            case SpdyControlType.GoAway:
                RequireLength(payload, 4, type);
                return new SpdyGoAwayFrame(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff);
            default:
                return new SpdyIgnoredFrame(type);
        }
    }

    public byte[] EncodeSynReply(uint streamId, IReadOnlyDictionary<string, string> headers)
    {
        var block = _deflater.Compress(EncodeHeaderBlock(headers));
        var frame = new byte[8 + 4 + block.Length];
        WriteControlHeader(frame, SpdyControlType.SynReply, 0, 4 + block.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), streamId & 0x7fffffff);
        block.CopyTo(frame.AsSpan(12));
        return frame;
    }

    /// <summary>A client's SYN_STREAM (used by tests acting as kubectl).</summary>
    public byte[] EncodeSynStream(uint streamId, IReadOnlyDictionary<string, string> headers, bool fin)
    {
        var block = _deflater.Compress(EncodeHeaderBlock(headers));
        var frame = new byte[8 + 10 + block.Length];
        WriteControlHeader(frame, SpdyControlType.SynStream, fin ? (byte)1 : (byte)0, 10 + block.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), streamId & 0x7fffffff);
        block.CopyTo(frame.AsSpan(18));
        return frame;
    }

    public static byte[] EncodeData(uint streamId, ReadOnlySpan<byte> data, bool fin)
    {
        var frame = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, streamId & 0x7fffffff);
        frame[4] = fin ? (byte)1 : (byte)0;
        frame[5] = (byte)(data.Length >> 16);
        frame[6] = (byte)(data.Length >> 8);
        frame[7] = (byte)data.Length;
        data.CopyTo(frame.AsSpan(8));
        return frame;
    }

    public static byte[] EncodeRstStream(uint streamId, uint status)
    {
        var frame = new byte[16];
        WriteControlHeader(frame, SpdyControlType.RstStream, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), streamId & 0x7fffffff);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), status);
        return frame;
    }

    public static byte[] EncodePing(uint id)
    {
        var frame = new byte[12];
        WriteControlHeader(frame, SpdyControlType.Ping, 0, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), id);
        return frame;
    }

    public static byte[] EncodeGoAway(uint lastGoodStreamId)
    {
        var frame = new byte[16];
        WriteControlHeader(frame, SpdyControlType.GoAway, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), lastGoodStreamId & 0x7fffffff);
        return frame;
    }

    public void Dispose()
    {
        _inflater.Dispose();
        _deflater.Dispose();
    }

    private static void WriteControlHeader(Span<byte> frame, SpdyControlType type, byte flags, int length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(frame, 0x8000 | Version);
        BinaryPrimitives.WriteUInt16BigEndian(frame[2..], (ushort)type);
        frame[4] = flags;
        frame[5] = (byte)(length >> 16);
        frame[6] = (byte)(length >> 8);
        frame[7] = (byte)length;
    }

    private static void RequireLength(byte[] payload, int min, SpdyControlType type)
    {
        if (payload.Length < min)
        {
            throw new InvalidDataException($"SPDY {type} frame too short");
        }
    }

    private Dictionary<string, string> DecodeHeaders(ReadOnlySpan<byte> compressed)
    {
        var block = _inflater.Decompress(compressed, MaxHeaderBlock);
        var span = block.AsSpan();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var count = ReadInt(ref span);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref span);
            var value = ReadString(ref span);
            headers[name] = value.Replace('\0', ',');
        }

        return headers;
    }

    private static int ReadInt(ref Span<byte> span)
    {
        if (span.Length < 4)
        {
            throw new InvalidDataException("SPDY header block truncated");
        }

        var value = BinaryPrimitives.ReadInt32BigEndian(span);
        span = span[4..];
        return value;
    }

    private static string ReadString(ref Span<byte> span)
    {
        var length = ReadInt(ref span);
        if (length < 0 || length > span.Length)
        {
            throw new InvalidDataException("SPDY header block truncated");
        }

        var value = Encoding.UTF8.GetString(span[..length]);
        span = span[length..];
        return value;
    }

    private static byte[] EncodeHeaderBlock(IReadOnlyDictionary<string, string> headers)
    {
        using var ms = new MemoryStream();
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(n, headers.Count);
        ms.Write(n);
        foreach (var (name, value) in headers)
        {
            foreach (var s in new[] { name.ToLowerInvariant(), value })
            {
                var bytes = Encoding.UTF8.GetBytes(s);
                BinaryPrimitives.WriteInt32BigEndian(n, bytes.Length);
                ms.Write(n);
                ms.Write(bytes);
            }
        }

        return ms.ToArray();
    }
}
