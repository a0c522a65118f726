using System.Runtime.CompilerServices;

// The compatibility tests check the checker's verdicts against its own instance matcher as well as the validator.
[assembly: InternalsVisibleTo("Registry.Engine.Tests")]
[assembly: InternalsVisibleTo("Registry.Schemas.Tests")]

// The fuzz harness (fuzz/Registry.Fuzz) drives the JSON tape parser directly.
[assembly: InternalsVisibleTo("Registry.Fuzz")]
