using Xunit;
using Xunit.Abstractions;

namespace Vibe.Crdt.Interop.Tests.Fuzz;

/// <summary>Any byte string is safe: applied, or rejected with CrdtFormatException leaving the document exactly as it was.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private void Report(FuzzRunner.Result r)
    {
        output.WriteLine($"{r.Inputs} inputs: {r.Rejected} rejected, {r.Accepted} accepted, {r.Failures.Count} failures");
        Assert.True(r.Failures.Count == 0, string.Join("\n\n", r.Failures));
    }

    [Fact]
    public void Mutated_yjs_updates_from_the_dataset_are_applied_or_rejected_atomically()
    {
        var rng = new Random(20261123);
        var mutator = new Mutator(rng);
        var seeds = FuzzCorpus.Dataset;
        Report(FuzzRunner.Run(60_000, i =>
        {
            var s = seeds[rng.Next(seeds.Count)];
            var v2 = rng.Next(20) == 0 ? !s.V2 : s.V2;
            return new FuzzInput(mutator.Mutate(s.Bytes, () => seeds[rng.Next(seeds.Count)].Bytes), v2, s.Origin + " mutated");
        }));
    }

    [Fact]
    public void Mutated_engine_updates_of_every_content_kind_are_applied_or_rejected_atomically()
    {
        var rng = new Random(7);
        var mutator = new Mutator(rng);
        var seeds = FuzzCorpus.Engine;
        Report(FuzzRunner.Run(30_000, i =>
        {
            var s = seeds[rng.Next(seeds.Count)];
            return new FuzzInput(mutator.Mutate(s.Bytes, () => seeds[rng.Next(seeds.Count)].Bytes), s.V2, s.Origin + " mutated");
        }));
    }

    [Fact]
    public void Random_and_update_shaped_bytes_are_applied_or_rejected_atomically()
    {
        var rng = new Random(99);
        var mutator = new Mutator(rng);
        Report(FuzzRunner.Run(15_000, i =>
        {
            var v2 = rng.Next(2) == 0;
            return rng.Next(2) == 0 ? new FuzzInput(mutator.RandomBytes(), v2, "random bytes") : new FuzzInput(mutator.Structured(v2), v2, "update-shaped");
        }));
    }

    [Fact]
    public void Mutated_whole_b4_document_is_applied_or_rejected_atomically()
    {
        var rng = new Random(4);
        var mutator = new Mutator(rng);
        var b4 = FuzzCorpus.B4;
        Report(FuzzRunner.Run(40, i => new FuzzInput(mutator.Mutate(b4, () => b4), false, "b4-update.bin mutated")));
    }

    [Fact]
    public void Update_tools_only_throw_the_format_exception_on_mutated_input()
    {
        var rng = new Random(11);
        var mutator = new Mutator(rng);
        var seeds = FuzzCorpus.Dataset.Concat(FuzzCorpus.Engine).ToList();
        var failures = new List<string>();
        var sv = Convert.FromBase64String("AgUBYwI=");
        for (var i = 0; i < 5_000 && failures.Count < 10; i++)
        {
            var s = seeds[rng.Next(seeds.Count)];
            var m = mutator.Mutate(s.Bytes, () => seeds[rng.Next(seeds.Count)].Bytes);
            var op = i % 6;
            try
            {
                switch (op, s.V2)
                {
                    case (0, false): Y.MergeUpdates([m, seeds[0].Bytes]); break;
                    case (0, true): Y.MergeUpdatesV2([m]); break;
                    case (1, false): Y.DiffUpdate(m, sv); break;
                    case (1, true): Y.DiffUpdateV2(m, sv); break;
                    case (2, false): Y.ConvertUpdateFormatV1ToV2(m); break;
                    case (2, true): Y.ConvertUpdateFormatV2ToV1(m); break;
                    case (3, false): Y.EncodeStateVectorFromUpdate(m); break;
                    case (3, true): Y.EncodeStateVectorFromUpdateV2(m); break;
                    case (4, _): Y.DecodeStateVector(m); break;
                    default: Y.EncodeStateAsUpdate(new Doc(), m); break;
                }
            }
            catch (CrdtFormatException)
            {
            }
            catch (Exception e)
            {
                failures.Add($"op {op} ({s.Origin}, v2 {s.V2}): {e.GetType().FullName}: {e.Message}\n  base64: {Convert.ToBase64String(m)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }
}
