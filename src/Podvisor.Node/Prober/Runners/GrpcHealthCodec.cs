using System.Buffers.Binary;
using System.Text;

namespace Podvisor.Node.Prober.Runners;

/// <summary>
/// The two grpc.health.v1 messages, encoded by hand (each has one field), inside gRPC's length-prefixed framing
/// (1 byte compressed flag, 4 bytes big-endian length).
/// </summary>
internal static class GrpcHealthCodec
{
    /// <summary>HealthCheckResponse.ServingStatus values.</summary>
    public const int Unknown = 0;
    public const int Serving = 1;
    public const int NotServing = 2;
    public const int ServiceUnknown = 3;

    /// <summary>A framed HealthCheckRequest { string service = 1; } (an empty service is omitted: proto3 default).</summary>
    public static byte[] EncodeRequest(string? service)
    {
        var serviceBytes = string.IsNullOrEmpty(service) ? 0 : Encoding.UTF8.GetByteCount(service);
        var messageLength = serviceBytes == 0 ? 0 : 1 + VarintSize((uint)serviceBytes) + serviceBytes;
        var frame = new byte[5 + messageLength];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)messageLength);
        if (serviceBytes > 0)
        {
            var i = 5;
            frame[i++] = 0x0A; // field 1, wire type 2 (length-delimited)
            i += WriteVarint(frame.AsSpan(i), (uint)serviceBytes);
            Encoding.UTF8.GetBytes(service, frame.AsSpan(i));
        }

        return frame;
    }

    /// <summary>A framed HealthCheckResponse { ServingStatus status = 1; } for a server (tests, fakes).</summary>
    public static byte[] EncodeResponse(int status)
    {
        var messageLength = status == 0 ? 0 : 1 + VarintSize((uint)status);
        var frame = new byte[5 + messageLength];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)messageLength);
        if (status != 0)
        {
            frame[5] = 0x08; // field 1, wire type 0 (varint)
            WriteVarint(frame.AsSpan(6), (uint)status);
        }

        return frame;
    }

    /// <summary>Reads the status from a framed HealthCheckResponse; unknown fields are skipped.</summary>
    public static bool TryDecodeResponse(ReadOnlySpan<byte> frame, out int status)
    {
        status = Unknown;
        if (frame.Length < 5 || frame[0] != 0)
        {
            return false; // Truncated, or compressed (never requested).
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(frame[1..]);
        if (length > (uint)(frame.Length - 5))
        {
            return false;
        }

        var message = frame.Slice(5, (int)length);
        while (!message.IsEmpty)
        {
            if (!TryReadVarint(ref message, out var tag))
            {
                return false;
            }

            var field = tag >> 3;
            switch (tag & 7)
            {
                case 0:
                    if (!TryReadVarint(ref message, out var value))
                    {
                        return false;
                    }

                    if (field == 1)
                    {
                        status = (int)value;
                    }

                    break;
                case 2:
                    if (!TryReadVarint(ref message, out var len) || len > (ulong)message.Length)
                    {
                        return false;
                    }

                    message = message[(int)len..];
                    break;
                case 1 when message.Length >= 8:
                    message = message[8..];
                    break;
                case 5 when message.Length >= 4:
                    message = message[4..];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>The enum's name as grpc-go prints it in the kubelet's message.</summary>
    public static string StatusName(int status) => status switch
    {
        Unknown => "UNKNOWN",
        Serving => "SERVING",
        NotServing => "NOT_SERVING",
        ServiceUnknown => "SERVICE_UNKNOWN",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int VarintSize(uint value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> span, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && !span.IsEmpty; shift += 7)
        {
            var b = span[0];
            span = span[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
