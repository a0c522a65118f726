using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>The gate of expensive work: how many run, how many wait, and what leaves the line.</summary>
public sealed class WorkGateTests
{
    [Fact]
    public async Task No_more_than_the_limit_run_and_the_rest_wait_in_arrival_order()
    {
        using var gate = new WorkGate(limit: 2, maxQueued: 10);
        var first = await gate.EnterAsync(Ct);
        var second = await gate.EnterAsync(Ct);
        var order = new List<int>();
        var third = Waiter(3);
        var fourth = Waiter(4);

        Assert.Equal((2, 2), (gate.Running, gate.Queued));
        Assert.False(gate.TryEnter());
        first.Dispose();
        (await third).Dispose();
        second.Dispose();
        (await fourth).Dispose();

        Assert.Equal([3, 4], order);
        Assert.Equal((0, 0, 4L), (gate.Running, gate.Queued, gate.Started));

        async Task<WorkSlot> Waiter(int n)
        {
            var slot = await gate.EnterAsync(Ct);
            lock (order)
            {
                order.Add(n);
            }

            return slot;
        }
    }

    [Fact]
    public async Task A_waiter_whose_caller_cancels_leaves_the_line_and_never_gets_a_slot()
    {
        using var gate = new WorkGate(limit: 1, maxQueued: 10);
        using var held = await gate.EnterAsync(Ct);
        using var leave = new CancellationTokenSource();
        var waiting = gate.EnterAsync(leave.Token).AsTask();
        Assert.Equal(1, gate.Queued);

        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal((0, 1, 1L), (gate.Queued, gate.Running, gate.Started));
    }

    [Fact]
    public async Task A_full_line_refuses_with_overloaded()
    {
        using var gate = new WorkGate(limit: 1, maxQueued: 1);
        var held = await gate.EnterAsync(Ct);
        var waiting = gate.EnterAsync(Ct).AsTask();

        var e = await Assert.ThrowsAsync<RegistryException>(() => gate.EnterAsync(Ct).AsTask());

        Assert.Equal(RegistryErrorCode.Overloaded, e.Code);
        Assert.Equal(1, gate.Queued);
        held.Dispose();
        (await waiting).Dispose();
    }

    [Fact]
    public async Task Validation_waits_for_a_slot_and_a_cancelled_caller_validates_nothing()
    {
        await using var h = await EngineHarness.CreateAsync(new RegistryEngineOptions { MaxConcurrentExpensiveOperations = 1 });
        var id = (await h.RegisterAsync("people", TestSchemas.PersonV1)).SchemaId;
        var document = Encoding.UTF8.GetBytes("""{"name":"Ada"}""");
        await h.Registry.ValidateAsync(ValidationTarget.ById(id), document, Ct);
        var work = h.Registry.Work;
        Assert.Equal(1, work.Limit);

        Assert.True(work.TryEnter());
        var started = work.Started;
        using var leave = new CancellationTokenSource();
        var validation = h.Registry.ValidateBatchAsync(ValidationTarget.ById(id), [document, document], leave.Token);
        Assert.Equal(1, work.Queued);
        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => validation);
        work.Exit();
        Assert.Equal((started, 0, 0), (work.Started, work.Queued, work.Running));
    }

    [Fact]
    public async Task Registration_and_compatibility_checks_take_a_slot_and_give_it_back()
    {
        await using var h = await EngineHarness.CreateAsync(new RegistryEngineOptions { MaxConcurrentExpensiveOperations = 1 });
        var before = h.Registry.Work.Started;

        await h.RegisterAsync("people", TestSchemas.PersonV1);
        var afterRegistration = h.Registry.Work.Started;
        await h.Registry.CheckCompatibilityAsync("people", new SchemaInput(Encoding.UTF8.GetBytes(TestSchemas.PersonV1)), cancellationToken: Ct);

        Assert.True(afterRegistration > before);
        Assert.True(h.Registry.Work.Started > afterRegistration);
        Assert.Equal(0, h.Registry.Work.Running);
    }
}
