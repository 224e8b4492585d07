using Microsoft.Data.Sqlite;

namespace Vibe.Grains.Documents.Log;

/// <summary>
/// Decides when the document log's WAL is copied into its database file. The log's one connection owns the
/// file, so the checkpoint runs on it, queued between two commits like a write, and every keystroke that
/// arrives meanwhile waits for it (copying the touched pages and syncing both files; the log flushes the WAL
/// ahead of it on this loop's thread, so about 3 ms on this kind of machine instead of 12). So it runs when
/// writing pauses (a tick that saw no commit after one that did: nobody waits), or after <c>afterCommits</c>
/// commits of sustained writing (about 8 MiB of WAL at the default, one stall in a thousand commits). A
/// checkpoint that copied everything lets the next commit start the WAL over from its beginning, so the file
/// stays the size of one stretch of typing.
/// </summary>
public sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>Commits of sustained writing after which a checkpoint runs anyway.</summary>
    public const int DefaultAfterCommits = 1000;

    readonly Func<Task<(long Log, long Copied)>> _checkpoint;
    readonly int _afterCommits;
    readonly CancellationTokenSource _stopping = new();
    readonly PeriodicTimer _timer;
    readonly Task _loop;
    int _written;
    long _checkpoints;

    /// <param name="checkpoint">Runs a checkpoint on the writer's connection, between its commits.</param>
    /// <param name="every">How often to look at what was written.</param>
    /// <param name="afterCommits">Commits after which a checkpoint runs even though writing goes on.</param>
    public WalCheckpointer(Func<Task<(long Log, long Copied)>> checkpoint, TimeSpan every, int afterCommits = DefaultAfterCommits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(afterCommits, 1);
        _checkpoint = checkpoint;
        _afterCommits = afterCommits;
        _timer = new PeriodicTimer(every);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Checkpoints run so far.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Frames in the WAL and frames of it copied into the database file, as the last checkpoint left them.</summary>
    public (long Log, long Copied) Last { get; private set; }

    /// <summary>The last checkpoint's failure, if it failed (it is retried on the next tick).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Called by the writer after a commit that wrote: there are new frames to copy.</summary>
    public void Written() => Interlocked.Increment(ref _written);

    async Task LoopAsync()
    {
        var pending = 0;
        try
        {
            while (await _timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var written = Interlocked.Exchange(ref _written, 0);
                pending += written;
                // Nothing to copy, or writing goes on and has not written enough to copy anyway.
                if (pending == 0 || (written > 0 && pending < _afterCommits))
                    continue;
                try
                {
                    var (log, copied) = await _checkpoint().ConfigureAwait(false);
                    Interlocked.Increment(ref _checkpoints);
                    Last = (log, copied);
                    LastError = null;
                    pending = 0;
                }
                catch (Exception e) when (e is SqliteException or ObjectDisposedException or InvalidOperationException)
                {
                    // Retried on the next tick.
                    LastError = e;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs <c>PRAGMA wal_checkpoint(mode)</c>; returns the frames in the WAL and those copied.</summary>
    public static async Task<(long Log, long Copied)> RunAsync(SqliteConnection connection, string mode)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA wal_checkpoint({mode})";
        await using var reader = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        // (busy, frames in the WAL, frames copied); -1s when the file is not in WAL mode.
        return (Math.Max(0, reader.GetInt64(1)), Math.Max(0, reader.GetInt64(2)));
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await _loop.ConfigureAwait(false);
        _timer.Dispose();
        _stopping.Dispose();
    }
}
