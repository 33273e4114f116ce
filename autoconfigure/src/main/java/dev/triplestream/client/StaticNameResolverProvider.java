package dev.triplestream.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;

/**
 * Resolves {@code static:///host1:port1,host2:port2} (the form {@link ChannelTarget#grpcTarget()}
 * gives a configured {@code static://host1:port1,host2:port2}) to those addresses, each its own
 * {@link EquivalentAddressGroup}, so that {@code pick_first} fails over through them in order and
 * {@code round_robin} spreads calls over all of them.
 * <p>
 * Stateless: the addresses are read from each target. It is handed to the channel builders of
 * static targets only, never registered in grpc-java's global registry. Host names in the list are
 * looked up on the channel's offload executor, again on every {@link NameResolver#refresh()}.
 */
public final class StaticNameResolverProvider extends SingleSchemeNameResolverProvider {

	/** The shared instance. */
	public static final StaticNameResolverProvider INSTANCE = new StaticNameResolverProvider();

	private StaticNameResolverProvider() {
		super(ChannelTarget.STATIC_SCHEME);
	}

	@Override
	protected NameResolver resolverFor(URI targetUri, NameResolver.Args args) {
		String path = targetUri.getPath();
		List<InetSocketAddress> addresses = ChannelTarget
			.parseAddressList((path != null && path.startsWith("/")) ? path.substring(1) : path);
		return new StaticNameResolver(addresses, args);
	}

	private static final class StaticNameResolver extends NameResolver {

		private final List<InetSocketAddress> addresses;

		private final SynchronizationContext syncContext;

		private final Executor executor;

		private Listener2 listener;

		private boolean resolving;

		private boolean shutdown;

		StaticNameResolver(List<InetSocketAddress> addresses, Args args) {
			this.addresses = addresses;
			this.syncContext = args.getSynchronizationContext();
			Executor offload = args.getOffloadExecutor();
			this.executor = (offload != null) ? offload : Runnable::run;
		}

		@Override
		public String getServiceAuthority() {
			InetSocketAddress first = this.addresses.get(0);
			return first.getHostString() + ":" + first.getPort();
		}

		@Override
		public void start(Listener2 listener) {
			this.listener = listener;
			resolve();
		}

		@Override
		public void refresh() {
			resolve();
		}

		// called in the synchronization context, like start and refresh
		private void resolve() {
			if (this.resolving || this.shutdown) {
				return;
			}
			this.resolving = true;
			this.executor.execute(() -> {
				StatusOr<List<EquivalentAddressGroup>> result = lookUp();
				this.syncContext.execute(() -> {
					this.resolving = false;
					if (!this.shutdown) {
						this.listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(result).build());
					}
				});
			});
		}

		private StatusOr<List<EquivalentAddressGroup>> lookUp() {
			List<EquivalentAddressGroup> groups = new ArrayList<>(this.addresses.size());
			List<String> unresolved = new ArrayList<>();
			for (InetSocketAddress address : this.addresses) {
				InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
				if (resolved.isUnresolved()) {
					unresolved.add(address.getHostString());
				}
				else {
					groups.add(new EquivalentAddressGroup(resolved));
				}
			}
			// the addresses that do resolve keep the channel working; only a list of none is an error
			if (groups.isEmpty()) {
				return StatusOr.fromStatus(Status.UNAVAILABLE
					.withDescription("cannot resolve any host of the static target: " + unresolved));
			}
			return StatusOr.fromValue(groups);
		}

		@Override
		public void shutdown() {
			this.shutdown = true;
		}

	}

}
