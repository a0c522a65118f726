namespace Registry.Schemas.Profiles.Lint;

/// <summary>Thrown inside the linter and transformer when the step budget runs out; caught at the public entry points.</summary>
internal sealed class StepBudgetExceededException : Exception
{
    public StepBudgetExceededException()
        : base("the schema needs more work than the step budget allows")
    {
    }

    public StepBudgetExceededException(string message)
        : base(message)
    {
    }

    public StepBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Counts work steps against a cap and polls a cancellation token every 1,024 steps, so that hostile schemas
/// (huge, deeply referenced, cyclic) end with "too complex" instead of running unbounded.
/// </summary>
internal sealed class LintBudget
{
    private readonly long _max;
    private readonly CancellationToken _cancellationToken;
    private long _steps;
    private int _sincePoll;

    public LintBudget(long maxSteps, CancellationToken cancellationToken)
    {
        _max = maxSteps;
        _cancellationToken = cancellationToken;
    }

    public long Steps => _steps;

    public void Step(int count = 1)
    {
        _steps += count;
        if (_steps > _max)
        {
            throw new StepBudgetExceededException();
        }

        _sincePoll += count;
        if (_sincePoll >= 1024)
        {
            _sincePoll = 0;
            _cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
