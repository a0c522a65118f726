using Registry.Fuzz;
using SharpFuzz;

// Usage:
//   Registry.Fuzz <target>                   run under afl-fuzz (SharpFuzz's fork server); the input on stdin
//   Registry.Fuzz <target> --replay PATH...  run each file (or each file of a folder) once; exit 1 on a finding
//   Registry.Fuzz --list                     the target names
// A finding is any exception a target does not document, or a broken property (an AgreementException).
if (args.Length == 0 || args[0] == "--list")
{
    foreach (var name in Targets.Names)
    {
        Console.WriteLine(name);
    }

    return args.Length == 0 ? 2 : 0;
}

var target = Targets.Get(args[0]);
if (target is null)
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; one of: {string.Join(", ", Targets.Names)}");
    return 2;
}

if (args.Length > 1 && args[1] == "--replay")
{
    return Replay.Run(target, args.Skip(2));
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.GetBuffer().AsSpan(0, (int)copy.Length));
});
return 0;
