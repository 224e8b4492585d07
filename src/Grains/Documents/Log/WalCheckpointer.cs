using Microsoft.Data.Sqlite;

namespace Vibe.Grains.Documents.Log;

/// <summary>
/// Copies SQLite's write-ahead log into the database file on its own connection, beside the writer, so no
/// commit ever waits for a checkpoint. A passive checkpoint never blocks the writer; the writer starts the WAL
/// over by itself once a checkpoint has copied all of it, which needs a checkpoint to finish with no commit
/// in between: any pause in the typing. A writer that never pauses would grow the WAL without end, so past
/// <c>truncateAbovePages</c> the writer itself runs one truncating checkpoint between two commits (no lock to
/// wait for), copying the little the passive one left and emptying the file: a stall of a few milliseconds per
/// 64 MiB of sustained writing.
/// </summary>
public sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>The default cap: 64 MiB of 4 KiB pages.</summary>
    public const long DefaultTruncateAbovePages = 16384;

    readonly long _truncateAbovePages;

    readonly Func<Task<SqliteConnection>> _open;
    readonly Func<Task<(long Log, long Copied)>> _truncate;
    readonly CancellationTokenSource _stopping = new();
    readonly PeriodicTimer _timer;
    readonly Task _loop;
    int _written;
    long _checkpoints;

    /// <param name="open">Opens a connection to the database file (with its busy timeout set).</param>
    /// <param name="truncate">Runs a truncating checkpoint on the writer's connection, between its commits.</param>
    /// <param name="every">How often to look for new WAL frames.</param>
    /// <param name="truncateAbovePages">The WAL's size, in pages, past which a checkpoint waits for the writer.</param>
    public WalCheckpointer(Func<Task<SqliteConnection>> open, Func<Task<(long Log, long Copied)>> truncate, TimeSpan every,
        long truncateAbovePages = DefaultTruncateAbovePages)
    {
        _open = open;
        _truncate = truncate;
        _truncateAbovePages = truncateAbovePages;
        _timer = new PeriodicTimer(every);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Checkpoints run so far.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Frames in the WAL and frames of it copied into the database file, as the last checkpoint left them.</summary>
    public (long Log, long Copied) Last { get; private set; }

    /// <summary>The last checkpoint's failure, if it failed (it is retried on the next tick).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Called by the writer after a commit: there are new frames to copy.</summary>
    public void Written() => Volatile.Write(ref _written, 1);

    async Task LoopAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (await _timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (Interlocked.Exchange(ref _written, 0) == 0)
                    continue;
                try
                {
                    connection ??= await _open().ConfigureAwait(false);
                    var (log, copied) = await CheckpointAsync(connection, "PASSIVE").ConfigureAwait(false);
                    if (log >= _truncateAbovePages)
                    {
                        (log, copied) = await _truncate().ConfigureAwait(false);
                        Interlocked.Increment(ref _checkpoints);
                    }
                    Last = (log, copied);
                    LastError = null;
                    // Frames written while it copied are left for the next tick.
                    if (copied < log)
                        Written();
                }
                catch (Exception e) when (e is SqliteException or ObjectDisposedException or InvalidOperationException)
                {
                    LastError = e;
                    Written();
                    if (connection is not null)
                        await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    async Task<(long Log, long Copied)> CheckpointAsync(SqliteConnection connection, string mode)
    {
        var result = await RunAsync(connection, mode).ConfigureAwait(false);
        Interlocked.Increment(ref _checkpoints);
        return result;
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
