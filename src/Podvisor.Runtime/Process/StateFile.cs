using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Podvisor.Runtime.Process;

/// <summary>Where the last write of a <see cref="StateFile"/> went: its generation and the file's slot size.</summary>
internal readonly record struct StateFileVersion(long Generation, int SlotSize)
{
    public static StateFileVersion None => default;

    public bool Exists => SlotSize > 0;
}

/// <summary>
/// A small record file rewritten in place, so that a container's state changes without creating or deleting a file.
/// (Temp file + rename allocates an inode and frees one on every write; ext4 without a journal, as on this machine,
/// steps over every inode of the group freed in the last 60 s, 300 s while its inode table block is unwritten, each
/// time it allocates one, so a burst of renames makes every later file creation in the group slower: measured here
/// 5 µs for an in-place write against 70-250 µs for temp + rename, and file creation afterwards 26 -> 414 µs.)
/// <para>
/// The file holds two slots of <c>length / 2</c> bytes. A write goes to the slot the previous one did not use, as
/// <c>PVS1 generation length hash\n</c> followed by the payload, in one <c>pwrite</c>; the reader takes the valid
/// slot with the higher generation, a slot being valid when its payload's SHA-256 prefix matches. A write torn by a
/// crash therefore leaves the previous record readable: old or new, never half of one (the guarantee the rename
/// gave). The first write creates the file; a payload that outgrows the slots rewrites it with larger ones through
/// temp + rename, once. No fsync: after a machine crash every process container is gone anyway. A file that is plain
/// JSON (the format before this one) reads as generation 0.
/// </para>
/// </summary>
internal static class StateFile
{
    public const int MinSlotSize = 4096;

    private const string Magic = "PVS1";
    private const int HashBytes = 8;
    private const int MaxHeader = 64;

    /// <summary>Writes <paramref name="payload"/> as the generation after <paramref name="previous"/>.</summary>
    public static StateFileVersion Write(string path, ReadOnlySpan<byte> payload, StateFileVersion previous)
    {
        var generation = previous.Generation + 1;
        var slot = Encode(payload, generation);
        if (previous.Exists && slot.Length <= previous.SlotSize)
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
            RandomAccess.Write(handle, slot, (generation % 2) * previous.SlotSize);
            return new StateFileVersion(generation, previous.SlotSize);
        }

        var slotSize = MinSlotSize;
        while (slotSize < slot.Length)
        {
            slotSize *= 2;
        }

        // The first write creates the file in place (torn, it reads as no record, as a missing file would); a record
        // that outgrew its slots goes to a new file, renamed over the old one so the old record stays readable.
        var target = previous.Exists ? path + ".tmp" : path;
        using (var handle = File.OpenHandle(target, FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.None))
        {
            RandomAccess.SetLength(handle, 2L * slotSize);
            RandomAccess.Write(handle, slot, (generation % 2) * slotSize);
        }

        if (previous.Exists)
        {
            File.Move(target, path, overwrite: true);
        }

        return new StateFileVersion(generation, slotSize);
    }

    /// <summary>The newest valid record, or null when the file holds none (missing, empty, both slots damaged).</summary>
    public static byte[]? Read(string path, out StateFileVersion version)
    {
        version = StateFileVersion.None;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        return Parse(bytes, out version);
    }

    internal static byte[]? Parse(ReadOnlySpan<byte> bytes, out StateFileVersion version)
    {
        version = StateFileVersion.None;
        if (bytes.Length > 0 && bytes[0] == (byte)'{')
        {
            // The earlier format: the whole file is the record. The next write replaces the file with slots.
            return bytes.ToArray();
        }

        if (bytes.Length < 2 * MinSlotSize || bytes.Length % 2 != 0)
        {
            return null;
        }

        var slotSize = bytes.Length / 2;
        byte[]? best = null;
        var bestGeneration = -1L;
        for (var i = 0; i < 2; i++)
        {
            if (TryDecode(bytes.Slice(i * slotSize, slotSize), out var generation, out var payload) && generation > bestGeneration)
            {
                best = payload;
                bestGeneration = generation;
            }
        }

        if (best is not null)
        {
            version = new StateFileVersion(bestGeneration, slotSize);
        }

        return best;
    }

    private static byte[] Encode(ReadOnlySpan<byte> payload, long generation)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, hash);
        var header = string.Create(
            CultureInfo.InvariantCulture,
            $"{Magic} {generation} {payload.Length} {Convert.ToHexStringLower(hash[..HashBytes])}\n");
        var slot = new byte[header.Length + payload.Length];
        Encoding.ASCII.GetBytes(header, slot);
        payload.CopyTo(slot.AsSpan(header.Length));
        return slot;
    }

    private static bool TryDecode(ReadOnlySpan<byte> slot, out long generation, out byte[]? payload)
    {
        generation = 0;
        payload = null;
        var end = slot[..Math.Min(MaxHeader, slot.Length)].IndexOf((byte)'\n');
        if (end < 0)
        {
            return false;
        }

        var fields = Encoding.ASCII.GetString(slot[..end]).Split(' ');
        if (fields.Length != 4
            || fields[0] != Magic
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out generation)
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || length > slot.Length - end - 1)
        {
            return false;
        }

        var body = slot.Slice(end + 1, length);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        if (!string.Equals(Convert.ToHexStringLower(hash[..HashBytes]), fields[3], StringComparison.Ordinal))
        {
            return false;
        }

        payload = body.ToArray();
        return true;
    }
}
