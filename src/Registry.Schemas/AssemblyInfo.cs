using System.Runtime.CompilerServices;

// The compatibility tests check the checker's verdicts against its own instance matcher as well as the validator.
[assembly: InternalsVisibleTo("Registry.Engine.Tests")]
[assembly: InternalsVisibleTo("Registry.Schemas.Tests")]
