using System.Runtime.InteropServices;

namespace Podvisor.Api.Streaming.Spdy;

/// <summary>
/// One direction of SPDY header compression: a single zlib stream that lasts as long as the connection, with the
/// SPDY/3 dictionary preset. .NET's ZLibStream cannot take a preset dictionary, so this binds the system zlib.
/// Not thread-safe: the owner serialises calls.
/// </summary>
internal sealed unsafe class ZlibStreamNative : IDisposable
{
    private const int ZOk = 0;
    private const int ZStreamEnd = 1;
    private const int ZNeedDict = 2;
    private const int ZBufError = -5;
    private const int ZSyncFlush = 2;
    private const int ZDefaultCompression = -1;

    private readonly bool _deflate;
    private readonly byte[] _dictionary;
    private ZStream* _stream;

    private ZlibStreamNative(bool deflate, byte[] dictionary)
    {
        _deflate = deflate;
        _dictionary = dictionary;
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        var version = zlibVersion();
        var rc = deflate
            ? deflateInit_(_stream, ZDefaultCompression, version, sizeof(ZStream))
            : inflateInit_(_stream, version, sizeof(ZStream));
        if (rc != ZOk)
        {
            NativeMemory.Free(_stream);
            _stream = null;
            throw new InvalidOperationException($"zlib init failed: {rc}");
        }

        if (deflate)
        {
            fixed (byte* d = dictionary)
            {
                rc = deflateSetDictionary(_stream, d, (uint)dictionary.Length);
            }

            if (rc != ZOk)
            {
                throw new InvalidOperationException($"zlib deflateSetDictionary failed: {rc}");
            }
        }
    }

    public static ZlibStreamNative CreateCompressor(byte[] dictionary) => new(deflate: true, dictionary);

    public static ZlibStreamNative CreateDecompressor(byte[] dictionary) => new(deflate: false, dictionary);

    /// <summary>Compresses one header block and sync-flushes, so the peer can decode it on its own.</summary>
    public byte[] Compress(ReadOnlySpan<byte> input)
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        using var output = new MemoryStream();
        Span<byte> buffer = stackalloc byte[4096];
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = buffer)
        {
            _stream->NextIn = inPtr;
            _stream->AvailIn = (uint)input.Length;
            do
            {
                _stream->NextOut = outPtr;
                _stream->AvailOut = (uint)buffer.Length;
                var rc = deflate(_stream, ZSyncFlush);
                if (rc != ZOk && rc != ZBufError)
                {
                    throw new InvalidDataException($"zlib deflate failed: {rc}");
                }

                output.Write(buffer[..(buffer.Length - (int)_stream->AvailOut)]);
            }
            while (_stream->AvailOut == 0);
        }

        return output.ToArray();
    }

    /// <summary>Decompresses one header block; the input must be exactly the block's bytes.</summary>
    public byte[] Decompress(ReadOnlySpan<byte> input, int maxOutput)
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        using var output = new MemoryStream();
        Span<byte> buffer = stackalloc byte[4096];
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = buffer)
        {
            _stream->NextIn = inPtr;
            _stream->AvailIn = (uint)input.Length;
            while (true)
            {
                _stream->NextOut = outPtr;
                _stream->AvailOut = (uint)buffer.Length;
                var rc = inflate(_stream, ZSyncFlush);
                if (rc == ZNeedDict)
                {
                    fixed (byte* d = _dictionary)
                    {
                        rc = inflateSetDictionary(_stream, d, (uint)_dictionary.Length);
                    }

                    if (rc != ZOk)
                    {
                        throw new InvalidDataException($"zlib inflateSetDictionary failed: {rc}");
                    }

                    continue;
                }

                if (rc != ZOk && rc != ZBufError && rc != ZStreamEnd)
                {
                    throw new InvalidDataException($"zlib inflate failed: {rc}");
                }

                var produced = buffer.Length - (int)_stream->AvailOut;
                output.Write(buffer[..produced]);
                if (output.Length > maxOutput)
                {
                    throw new InvalidDataException("SPDY header block too large");
                }

                if (_stream->AvailIn == 0 && _stream->AvailOut != 0)
                {
                    break;
                }

                if (produced == 0 && rc == ZBufError)
                {
                    break;
                }
            }
        }

        return output.ToArray();
    }

    public void Dispose()
    {
        if (_stream is null)
        {
            return;
        }

        _ = _deflate ? deflateEnd(_stream) : inflateEnd(_stream);
        NativeMemory.Free(_stream);
        _stream = null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public nint Msg;
        public nint State;
        public nint ZAlloc;
        public nint ZFree;
        public nint Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

#pragma warning disable SA1300, IDE1006 // native names
    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern byte* zlibVersion();

    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern int deflateInit_(ZStream* strm, int level, byte* version, int streamSize);

    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern int inflateInit_(ZStream* strm, byte* version, int streamSize);

    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern int deflate(ZStream* strm, int flush);

    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern int inflate(ZStream* strm, int flush);

    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern int deflateSetDictionary(ZStream* strm, byte* dictionary, uint dictLength);

    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern int inflateSetDictionary(ZStream* strm, byte* dictionary, uint dictLength);

    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern int deflateEnd(ZStream* strm);

    [DllImport("libz.so.1", CallingConvention = CallingConvention.Cdecl)]
    private static extern int inflateEnd(ZStream* strm);
#pragma warning restore SA1300, IDE1006
}
