using Vibe.Crdt.Tool;

return args.Length == 0 ? Usage() : args[0] switch
{
    "trace" when args.Length >= 2 => TraceCommand.Run(args[1]),
    "apply" => ApplyCommand.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: crdt trace FILE.json.gz | crdt apply [--v2] --root NAME:text|map|array|xml ...");
    return 64;
}
