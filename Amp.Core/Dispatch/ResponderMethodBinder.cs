using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using Amp.Generated;

namespace Amp;

/// <summary>Turns an <see cref="AmpResponderAttribute"/> method into a responder entry.</summary>
[RequiresUnreferencedCode(ReflectionFallback.Reason)]
[RequiresDynamicCode(ReflectionFallback.Reason)]
internal static class ResponderMethodBinder
{
    /// <summary>Binds a method of one object, which answers every call.</summary>
    public static ResponderEntry Bind(object target, MethodInfo method) =>
        Bind(target.GetType(), method, _ => Expression.Constant(target));

    /// <summary>
    /// Binds a method of <typeparamref name="T"/> called on the object <paramref name="target"/> returns for
    /// each call's connection (resolved anew for every call; the method is compiled once).
    /// </summary>
    public static ResponderEntry Bind<T>(Func<AmpConnection, T> target, MethodInfo method)
        where T : class =>
        Bind(typeof(T), method, connection => Expression.Invoke(Expression.Constant(target), connection));

    private static ResponderEntry Bind(Type owner, MethodInfo method, Func<ParameterExpression, Expression> target)
    {
        ParameterInfo[] parameters = method.GetParameters();
        if (parameters.Length == 0)
        {
            throw new AmpDefinitionException(owner, method.Name, "a responder's first parameter must be the command");
        }

        Type commandType = parameters[0].ParameterType;
        Type? responseType = FindResponseType(commandType)
            ?? throw new AmpDefinitionException(owner, method.Name, $"{commandType.Name} does not implement IAmpCommand<TResponse>");

        ParameterExpression command = Expression.Parameter(commandType, "command");
        ParameterExpression connection = Expression.Parameter(typeof(AmpConnection), "connection");
        ParameterExpression cancellation = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        var arguments = new List<Expression> { command };
        for (int i = 1; i < parameters.Length; i++)
        {
            Type type = parameters[i].ParameterType;
            arguments.Add(type == typeof(AmpConnection) ? connection
                : type == typeof(CancellationToken) ? cancellation
                : throw new AmpDefinitionException(owner, method.Name, $"parameter '{parameters[i].Name}' must be an AmpConnection or a CancellationToken"));
        }

        Expression call = Expression.Call(target(connection), method, arguments);
        Type valueTask = typeof(ValueTask<>).MakeGenericType(responseType);
        Expression body = method.ReturnType == responseType ? Expression.New(valueTask.GetConstructor([responseType])!, call)
            : method.ReturnType == typeof(Task<>).MakeGenericType(responseType) ? Expression.New(valueTask.GetConstructor([method.ReturnType])!, call)
            : method.ReturnType == valueTask ? call
            : throw new AmpDefinitionException(owner, method.Name, $"must return {responseType.Name}, Task<{responseType.Name}> or ValueTask<{responseType.Name}>");

        Type delegateType = typeof(Func<,,,>).MakeGenericType(commandType, typeof(AmpConnection), typeof(CancellationToken), valueTask);
        Delegate responder = Expression.Lambda(delegateType, body, command, connection, cancellation).Compile();
        Type entryType = typeof(TypedResponderEntry<,>).MakeGenericType(commandType, responseType);
        try
        {
            return (ResponderEntry)Activator.CreateInstance(entryType, responder)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static Type? FindResponseType(Type commandType)
    {
        foreach (Type implemented in commandType.GetInterfaces())
        {
            if (implemented.IsGenericType && implemented.GetGenericTypeDefinition() == typeof(IAmpCommand<>))
            {
                return implemented.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
