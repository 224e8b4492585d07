using Vibe.Crdt.Tool;

return args.Length == 0 ? Usage() : args[0] switch
{
    "trace" when args.Length >= 2 => TraceCommand.Run(args[1], args.Length >= 4 && args[2] == "--dump" ? args[3] : null),
    "apply" => ApplyCommand.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: crdt trace FILE.json.gz | crdt apply [--v2] --root NAME:text|map|array|xml ...");
    return 64;
}
