using System.Diagnostics;
using System.Text;

namespace Vibe.Crdt.Interop.Tests.Fuzz;

/// <summary>One fuzz input: the bytes and which decoder gets them.</summary>
public sealed record FuzzInput(byte[] Bytes, bool V2, string Origin);

/// <summary>
/// Applies fuzz inputs to a target document on a worker thread with a 1 MiB stack. Each input must either apply
/// or throw <see cref="CrdtFormatException"/> with the document unchanged (update bytes and toJSON compared);
/// a single input running past the hang guard, or allocating absurdly, is a failure.
/// </summary>
public static class FuzzRunner
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(5);

    public sealed record Result(int Inputs, int Rejected, int Accepted, List<string> Failures);

    public static Result Run(int count, Func<int, FuzzInput> inputOf, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        var rejected = 0;
        var accepted = 0;
        var current = -1;
        var startedAt = Stopwatch.GetTimestamp();
        FuzzInput? currentInput = null;
        Exception? crash = null;
        var worker = new Thread(() =>
        {
            try
            {
                var target = FuzzCorpus.NewTarget();
                var before = Y.EncodeStateAsUpdate(target);
                var beforeJson = JsonText.Stringify(target.ToJson());
                for (var i = 0; i < count && failures.Count < 20; i++)
                {
                    var input = inputOf(i);
                    Volatile.Write(ref currentInput, input);
                    Volatile.Write(ref startedAt, Stopwatch.GetTimestamp());
                    Volatile.Write(ref current, i);
                    var allocated = GC.GetAllocatedBytesForCurrentThread();
                    try
                    {
                        if (input.V2) Y.ApplyUpdateV2(target, input.Bytes);
                        else Y.ApplyUpdate(target, input.Bytes);
                        accepted++;
                        // Accepted: the document must still encode, decode and serialise.
                        var copy = new Doc();
                        Y.ApplyUpdate(copy, Y.EncodeStateAsUpdate(target));
                        JsonText.Stringify(target.ToJson());
                        target = FuzzCorpus.NewTarget();
                    }
                    catch (CrdtFormatException)
                    {
                        rejected++;
                        var after = Y.EncodeStateAsUpdate(target);
                        var afterJson = JsonText.Stringify(target.ToJson());
                        if (!after.AsSpan().SequenceEqual(before) || afterJson != beforeJson)
                        {
                            failures.Add(Describe(i, input, "rejected but the document changed"));
                            target = FuzzCorpus.NewTarget();
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Add(Describe(i, input, "untyped " + e.GetType().FullName + ": " + e.Message + "\n" + e.StackTrace));
                        target = FuzzCorpus.NewTarget();
                    }
                    var used = GC.GetAllocatedBytesForCurrentThread() - allocated;
                    if (used > 64L * 1024 * 1024 + 400L * input.Bytes.Length) failures.Add(Describe(i, input, $"allocated {used:N0} bytes"));
                }
            }
            catch (Exception e)
            {
                crash = e;
            }
        }, maxStackSize: 1024 * 1024) { IsBackground = true, Name = "crdt-fuzz" };
        worker.Start();
        while (!worker.Join(TimeSpan.FromMilliseconds(500)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var elapsed = Stopwatch.GetElapsedTime(Volatile.Read(ref startedAt));
            if (elapsed > HangGuard)
            {
                var input = Volatile.Read(ref currentInput);
                throw new TimeoutException(input == null ? "fuzz worker stalled before the first input" : Describe(Volatile.Read(ref current), input, $"still running after {elapsed}"));
            }
        }
        if (crash != null) throw new InvalidOperationException("fuzz harness failed", crash);
        return new Result(count, rejected, accepted, failures);
    }

    private static string Describe(int index, FuzzInput input, string problem)
    {
        var sb = new StringBuilder();
        sb.Append($"input {index} ({input.Origin}, {(input.V2 ? "v2" : "v1")}, {input.Bytes.Length} bytes): {problem}");
        if (input.Bytes.Length <= 4096) sb.Append("\n  base64: ").Append(Convert.ToBase64String(input.Bytes));
        return sb.ToString();
    }
}
