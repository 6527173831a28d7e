//! Work spread over the machine's cores.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// `items.iter().map(f)` on every core, results in input order.
///
/// Threads take the next item as they finish one rather than a fixed chunk
/// each, so a few slow items (a mojibake page to repair, a large resource
/// file to format) do not leave the other cores idle.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break out };
            out.push((i, f(item)));
        }
    };
    // The calling thread is one of the workers: a thread spawned anew
    // starts an empty allocator heap, whose fresh pages the kernel zeroes.
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(out) => done.extend(out),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// [`map`], handing out the heaviest items first: a large item taken last
/// would leave the other cores idle while it finishes. Results are in
/// input order.
pub fn map_heaviest_first<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(&items[i])));
    let mut results: Vec<(usize, R)> = order
        .iter()
        .copied()
        .zip(map(&order, |&i| f(&items[i])))
        .collect();
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// [`map`] over owned items, each handed to `f` by value.
pub fn map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|i| Mutex::new(Some(i))).collect();
    map(&slots, |slot| {
        let item = lock(slot).take();
        f(item.expect("each item is taken once"))
    })
}

/// Drops `items` on every core.
pub fn drop_all<T: Send>(items: Vec<T>) {
    map_owned(items, drop);
}

/// A lock that a panic elsewhere did not leave unusable: what it guards is
/// replaced whole.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = super::map(&items, |x| x * 2);
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u32], |x| *x).is_empty());
    }

    #[test]
    fn heaviest_first_keeps_input_order() {
        let items: Vec<u32> = (0..1000).map(|x| (x * 7919) % 1000).collect();
        let doubled = super::map_heaviest_first(&items, |&x| x as usize, |x| x * 2);
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn owned_items_keep_input_order() {
        let items: Vec<String> = (0..100).map(|x| x.to_string()).collect();
        let lengths = super::map_owned(items.clone(), |s| s.len());
        assert_eq!(lengths, items.iter().map(String::len).collect::<Vec<_>>());
    }
}
