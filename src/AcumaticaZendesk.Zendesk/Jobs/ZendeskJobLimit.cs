namespace AcumaticaZendesk.Zendesk.Jobs;

/// <summary>
/// How many bulk jobs one Zendesk account may have in flight from this process (one instance per account, shared by
/// every caller): a slot is held from a job's submission until it is seen finished. The limit starts at the
/// configured ceiling (<see cref="ZendeskClientOptions.MaxConcurrentBulkJobs"/>; Zendesk queues at most 30 jobs per
/// account). When Zendesk refuses a job because too many are queued or running (someone else holds some of the 30),
/// the limit drops to the jobs this process still has in flight (at least 1); while jobs are accepted with every slot
/// in use it grows back by one per limit's worth of accepted jobs, up to the ceiling.
/// </summary>
internal sealed class ZendeskJobLimit
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private TaskCompletionSource _released = NewSignal();
    private int _limit;
    private int _inFlight;
    private int _credit;

    public ZendeskJobLimit(int ceiling)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ceiling, 1);
        Ceiling = ceiling;
        _limit = ceiling;
    }

    /// <summary>The configured most jobs in flight.</summary>
    public int Ceiling { get; }

    /// <summary>The jobs that may be in flight now.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return _limit;
            }
        }
    }

    /// <summary>The jobs in flight (submitted or being submitted, not yet seen finished).</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Callers waiting for a slot.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Takes a slot, waiting (first come, first served) while the limit is reached.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            // Joining the queue hands out any free slot first, so a slot freed by a refusal (which grants nobody) is
            // taken by the next caller to come, in turn.
            node = _waiting.AddLast(NewSignal());
            GrantLocked();
            if (node.List is null)
            {
                return;
            }
        }

        await using (cancellationToken.Register(() => Abandon(node, cancellationToken)).ConfigureAwait(false))
        {
            await node.Value.Task.ConfigureAwait(false);
        }
    }

    /// <summary>The held slot's job was queued: while every slot is in use, the limit creeps back towards the ceiling.</summary>
    public void Accepted()
    {
        lock (_gate)
        {
            if (_inFlight >= _limit && _limit < Ceiling && ++_credit >= _limit)
            {
                _limit++;
                _credit = 0;
                GrantLocked();
            }
        }
    }

    /// <summary>The held slot's job finished (or failed, or was given up): frees the slot.</summary>
    public void Release()
    {
        TaskCompletionSource released;
        lock (_gate)
        {
            _inFlight--;
            released = _released;
            _released = NewSignal();
            GrantLocked();
        }

        released.TrySetResult();
    }

    /// <summary>
    /// The held slot's job was refused for too many jobs queued or running: the slot is freed and the limit drops to
    /// the jobs still in flight (at least 1). Then waits until another job of the account frees its slot (Zendesk has
    /// room again) or <paramref name="retryAfter"/> passes (the jobs in the way are someone else's), and queues for a
    /// slot again: on return the caller holds one and submits the same job again. A refusal lets nobody in (that would
    /// only send more jobs to be refused); whoever queues next lets the first in line go.
    /// </summary>
    public async Task RefusedAsync(TimeSpan retryAfter, Func<TimeSpan, CancellationToken, Task> delay, CancellationToken cancellationToken)
    {
        Task room;
        lock (_gate)
        {
            _inFlight--;
            _limit = Math.Clamp(_inFlight, 1, _limit);
            _credit = 0;
            room = _released.Task;
        }

        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(room, delay(retryAfter, stop.Token)).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            lock (_gate)
            {
                GrantLocked(); // leaving without queueing again: let the first in line have the free slot
            }

            throw;
        }

        await AcquireAsync(cancellationToken).ConfigureAwait(false);
    }

    private void GrantLocked()
    {
        while (_waiting.First is { } next && _inFlight < _limit)
        {
            _waiting.RemoveFirst();
            _inFlight++;
            next.Value.TrySetResult(); // continuations run asynchronously
        }
    }

    private void Abandon(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (node.List is null)
            {
                return; // granted already: the caller holds the slot
            }

            _waiting.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
