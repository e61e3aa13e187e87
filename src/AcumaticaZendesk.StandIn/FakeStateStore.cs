using System.Globalization;
using Google.Protobuf;
using Concurrency = Dapr.Client.Autogen.Grpc.v1.StateOptions.Types.StateConcurrency;

namespace AcumaticaZendesk.StandIn;

/// <summary>A stored value with its ETag (and, on redis, whether it carries the first-write marker).</summary>
public sealed record StoredState(ByteString Data, string ETag, bool FirstWriteMarker = false);

/// <summary>Why a state write was refused; daprd turns each into its own gRPC code (<c>getStateErrorCode</c>).</summary>
public enum StateWriteRefusal
{
    None,

    /// <summary>An ETag error of kind mismatch: gRPC <c>Aborted</c>, never retried by the resiliency policy.</summary>
    ETagMismatch,

    /// <summary>An ETag error of kind invalid (redis: not an integer): gRPC <c>InvalidArgument</c>, never retried.</summary>
    ETagInvalid,

    /// <summary>Any other store error: gRPC <c>Internal</c>, retried by the resiliency policy and counted by its circuit breaker.</summary>
    Failed,
}

/// <summary>One write of a state request (a save when <see cref="Data"/> is set, otherwise a delete).</summary>
public sealed record StateWrite(string Key, ByteString? Data, string? ETag, Concurrency Concurrency);

/// <summary>
/// The stand-in's state store (one per component name), with the ETag rules of the real component named by
/// <see cref="Personality"/>. What each personality does, and the source it mirrors, is in docs/testing.md.
/// </summary>
public sealed class FakeStateStore(StateStorePersonality personality = StateStorePersonality.Sqlite)
{
    private readonly Dictionary<string, StoredState> entries = new(StringComparer.Ordinal);
    private long version;

    public StateStorePersonality Personality { get; } = personality;

    /// <summary>Most operations one transaction may hold (daprd checks <c>MultiMaxSize</c>); null when unbounded.</summary>
    public int? MaxTransactionOperations => MaxTransactionOperationsOf(Personality);

    /// <summary>The most operations one transaction of a store of this personality may hold (null: no cap).</summary>
    public static int? MaxTransactionOperationsOf(StateStorePersonality personality) =>
        personality == StateStorePersonality.CosmosDb ? 100 : null;

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

    /// <summary>A save without options (last write wins when no ETag is given).</summary>
    public StateWriteRefusal Set(string key, ByteString data, string? etag, bool firstWrite) =>
        Apply([new StateWrite(key, data, etag, firstWrite ? Concurrency.ConcurrencyFirstWrite : Concurrency.ConcurrencyUnspecified)]).Refusal;

    public StateWriteRefusal Delete(string key, string? etag, bool firstWrite) =>
        Apply([new StateWrite(key, null, etag, firstWrite ? Concurrency.ConcurrencyFirstWrite : Concurrency.ConcurrencyUnspecified)]).Refusal;

    /// <summary>
    /// Applies the writes in order, all or none (a transaction, or one save). Returns the first refusal and the key
    /// it concerns.
    /// </summary>
    public (StateWriteRefusal Refusal, string? Key) Apply(IReadOnlyList<StateWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        lock (entries)
        {
            var staged = new Dictionary<string, StoredState?>(StringComparer.Ordinal);
            foreach (var write in writes)
            {
                var current = staged.TryGetValue(write.Key, out var s) ? s : entries.GetValueOrDefault(write.Key);
                var (refusal, next) = write.Data is null ? DeleteRule(current, write) : SetRule(current, write);
                if (refusal != StateWriteRefusal.None)
                {
                    return (refusal, write.Key);
                }

                staged[write.Key] = next;
            }

            foreach (var (key, value) in staged)
            {
                if (value is null)
                {
                    entries.Remove(key);
                }
                else
                {
                    entries[key] = value;
                }
            }

            return (StateWriteRefusal.None, null);
        }
    }

    private (StateWriteRefusal, StoredState?) SetRule(StoredState? current, StateWrite write)
    {
        var hasETag = !string.IsNullOrEmpty(write.ETag);
        var firstWrite = write.Concurrency == Concurrency.ConcurrencyFirstWrite;
        var exists = current is not null;
        switch (Personality)
        {
            case StateStorePersonality.Sqlite:
                // doSet: ETag -> UPDATE ... WHERE etag (0 rows = mismatch); first-write -> INSERT unless a live row exists.
                if (hasETag ? !exists || current!.ETag != write.ETag : firstWrite && exists)
                {
                    return (StateWriteRefusal.ETagMismatch, null);
                }

                return (StateWriteRefusal.None, new StoredState(write.Data!, NewUuid()));

            case StateStorePersonality.PostgreSqlV2:
                // doSet: an ETag that is no UUID is a mismatch; ETag -> UPDATE; first-write -> upsert WHERE expired,
                // 0 rows without an ETag is errors.New("no item was updated").
                if (hasETag && (!Guid.TryParse(write.ETag, out _) || !exists || current!.ETag != write.ETag))
                {
                    return (StateWriteRefusal.ETagMismatch, null);
                }

                if (!hasETag && firstWrite && exists)
                {
                    return (StateWriteRefusal.Failed, null);
                }

                return (StateWriteRefusal.None, new StoredState(write.Data!, NewUuid()));

            case StateStorePersonality.Redis:
                return RedisSet(current, write, hasETag, firstWrite);

            case StateStorePersonality.CosmosDb:
                // Set: UpsertItem with If-Match (the ETag, or a random UUID for first-write); 412 -> ETag mismatch.
                // An upsert with If-Match creates a missing item (the first-write conformance test writes a new key).
                var ifMatch = hasETag ? write.ETag : firstWrite ? NewUuid() : null;
                if (ifMatch is not null && exists && current!.ETag != ifMatch)
                {
                    return (StateWriteRefusal.ETagMismatch, null);
                }

                return (StateWriteRefusal.None, new StoredState(write.Data!, "\"" + NewUuid() + "\""));

            default:
                throw new InvalidOperationException($"Unknown personality {Personality}");
        }
    }

    private (StateWriteRefusal, StoredState?) RedisSet(StoredState? current, StateWrite write, bool hasETag, bool firstWrite)
    {
        // parseETag: last-write or no ETag -> version "0"; an ETag that is no integer is ETagInvalid.
        var version = "0";
        if (write.Concurrency != Concurrency.ConcurrencyLastWrite && hasETag)
        {
            if (!int.TryParse(write.ETag, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                return (StateWriteRefusal.ETagInvalid, null);
            }

            version = write.ETag!;
        }

        // setDefaultQuery: allowed when the key is missing, the version matches, or "0" is sent and the key has no
        // first-write marker; a first-write save sets the marker (only DEL removes it); the version is HINCRBY 1.
        var allowed = current is null || current.ETag == version || (!current.FirstWriteMarker && version == "0");
        if (!allowed)
        {
            return (hasETag ? StateWriteRefusal.ETagMismatch : StateWriteRefusal.Failed, null);
        }

        var next = (current is null ? 0 : long.Parse(current.ETag, CultureInfo.InvariantCulture)) + 1;
        return (StateWriteRefusal.None, new StoredState(
            write.Data!, next.ToString(CultureInfo.InvariantCulture), firstWrite || current?.FirstWriteMarker == true));
    }

    private (StateWriteRefusal, StoredState?) DeleteRule(StoredState? current, StateWrite write)
    {
        var hasETag = !string.IsNullOrEmpty(write.ETag);
        var exists = current is not null;
        var refused = Personality switch
        {
            // DELETE ... WHERE key AND etag: 0 rows with an ETag is a mismatch (a missing key included).
            StateStorePersonality.Sqlite => hasETag && (!exists || current!.ETag != write.ETag),
            StateStorePersonality.PostgreSqlV2 => hasETag && (!Guid.TryParse(write.ETag, out _) || !exists || current!.ETag != write.ETag),

            // delDefaultQuery: a missing key, a matching version or "0" (no ETag) deletes.
            StateStorePersonality.Redis => hasETag && exists && current!.ETag != write.ETag && write.ETag != "0",

            // DeleteItem with If-Match: 404 is ignored, 412 is a mismatch.
            StateStorePersonality.CosmosDb => hasETag && exists && current!.ETag != write.ETag,
            _ => throw new InvalidOperationException($"Unknown personality {Personality}"),
        };
        return refused ? (StateWriteRefusal.ETagMismatch, current) : (StateWriteRefusal.None, null);
    }

    private string NewUuid()
    {
        // Deterministic per store, shaped like the real ETags (a UUID); the counter keeps them unique.
        var n = Interlocked.Increment(ref version);
        return new Guid((int)(n >> 32), (short)(n >> 16), (short)n, 0, 0, 0, 0, 0, 0, 0, 1).ToString();
    }
}
