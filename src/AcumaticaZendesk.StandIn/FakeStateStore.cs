using System.Globalization;
using Google.Protobuf;

namespace AcumaticaZendesk.StandIn;

/// <summary>A stored value with its ETag.</summary>
public sealed record StoredState(ByteString Data, string ETag);

/// <summary>Why a state write was refused.</summary>
public enum StateWriteRefusal
{
    None,

    /// <summary>The ETag did not match the stored one (or the key must not exist but does).</summary>
    ETagMismatch,
}

/// <summary>
/// The stand-in's state stores (by component name): values with ETags that change on every write, with daprd's
/// ETag rules — a non-empty ETag must match; an empty ETag with first-write concurrency means "insert only"
/// (what the SQL state stores do); no ETag writes unconditionally.
/// </summary>
public sealed class FakeStateStore
{
    private readonly Dictionary<string, StoredState> entries = new(StringComparer.Ordinal);
    private long version;

    public StoredState? Get(string key)
    {
        lock (entries)
        {
            return entries.GetValueOrDefault(key);
        }
    }

    public IReadOnlyDictionary<string, StoredState> Snapshot()
    {
        lock (entries)
        {
            return new Dictionary<string, StoredState>(entries, StringComparer.Ordinal);
        }
    }

    public StateWriteRefusal Set(string key, ByteString data, string? etag, bool firstWrite)
    {
        lock (entries)
        {
            var refusal = Check(key, etag, firstWrite);
            if (refusal == StateWriteRefusal.None)
            {
                entries[key] = new StoredState(data, NextETag());
            }

            return refusal;
        }
    }

    public StateWriteRefusal Delete(string key, string? etag, bool firstWrite)
    {
        lock (entries)
        {
            var refusal = Check(key, etag, firstWrite);
            if (refusal == StateWriteRefusal.None)
            {
                entries.Remove(key);
            }

            return refusal;
        }
    }

    private StateWriteRefusal Check(string key, string? etag, bool firstWrite)
    {
        var exists = entries.TryGetValue(key, out var current);
        if (!string.IsNullOrEmpty(etag))
        {
            return exists && current!.ETag == etag ? StateWriteRefusal.None : StateWriteRefusal.ETagMismatch;
        }

        return etag is not null && firstWrite && exists ? StateWriteRefusal.ETagMismatch : StateWriteRefusal.None;
    }

    private string NextETag() => Interlocked.Increment(ref version).ToString(CultureInfo.InvariantCulture);
}
