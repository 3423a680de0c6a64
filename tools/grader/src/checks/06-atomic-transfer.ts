/**
 * Checks of exercise 06-atomic-transfer: a money transfer that happens
 * completely or not at all. Each check opens accounts of its own, calls the
 * learner's functions on them, and deletes them again.
 *
 * @module
 */
import { checkCode, type Check } from "../check.js";

/** The checks of 06-atomic-transfer, in the order they run. */
export const checks: readonly Check[] = [
  {
    id: "transfer-moves-money",
    description: "transfer() moves the money and records the transfer.",
    hidden: false,
    code: checkCode`
      // Two accounts of the check's own, deleted again at the end.
      const ids = await engine.begin(async (conn) => {
        const opened = await conn.execute(
          "insert into ex06_accounts (owner, balance) select 'check', b " +
            "from unnest($1::int[]) with ordinality as t(b, n) order by n returning id",
          [[100, 0]],
        );
        return opened.scalars() as number[];
      });
      try {
        try {
          await transfer(ids[0], ids[1], 40);
        } catch (err) {
          return (
            "transfer(payer, payee, 40) from balances 100 and 0 threw " +
            String(err).split("\n")[0]
          );
        }
        const state: any = await engine.connect(async (conn) => {
          const balances = await conn.execute(
            "select balance from ex06_accounts where id = any($1) order by id",
            [ids],
          );
          const moves = await conn.execute(
            'select "fromId", "toId", amount from ex06_transfers ' +
              'where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          return { balances: balances.scalars(), moves: moves.rows };
        });
        if (state.balances.join() !== "60,40") {
          return (
            "After transfer(payer, payee, 40) from balances 100 and 0, the balances are " +
            state.balances.join(" and ") + " instead of 60 and 40."
          );
        }
        const move = state.moves[0];
        if (
          state.moves.length !== 1 ||
          move.fromId !== ids[0] ||
          move.toId !== ids[1] ||
          move.amount !== 40
        ) {
          return (
            "transfer() should record one row (fromId, toId, amount) in ex06_transfers; " +
            "found " + JSON.stringify(state.moves) + "."
          );
        }
      } finally {
        await engine.begin(async (conn) => {
          await conn.execute(
            'delete from ex06_transfers where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          await conn.execute("delete from ex06_accounts where id = any($1)", [ids]);
        });
      }
    `,
  },
  {
    id: "transfer-refuses-overdraft",
    description: "transfer() throws for an overdraft and changes nothing.",
    hidden: false,
    code: checkCode`
      const ids = await engine.begin(async (conn) => {
        const opened = await conn.execute(
          "insert into ex06_accounts (owner, balance) select 'check', b " +
            "from unnest($1::int[]) with ordinality as t(b, n) order by n returning id",
          [[100, 0]],
        );
        return opened.scalars() as number[];
      });
      try {
        let threw = false;
        try {
          await transfer(ids[0], ids[1], 500);
        } catch {
          threw = true;
        }
        const state: any = await engine.connect(async (conn) => {
          const balances = await conn.execute(
            "select balance from ex06_accounts where id = any($1) order by id",
            [ids],
          );
          const moves = await conn.execute(
            'select count(*) from ex06_transfers ' +
              'where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          return { balances: balances.scalars(), moves: Number(moves.scalar()) };
        });
        if (state.balances.join() !== "100,0") {
          return (
            "transfer(payer, payee, 500) with 100 on the payer's account " +
            "left the balances at " + state.balances.join(" and ") +
            " instead of 100 and 0: " +
            "throw inside engine.begin() so that everything is rolled back."
          );
        }
        if (state.moves !== 0) {
          return "A refused transfer left " + state.moves + " row(s) in ex06_transfers.";
        }
        if (!threw) {
          return (
            "transfer(payer, payee, 500) with 100 on the payer's account " +
            "should throw an error."
          );
        }
      } finally {
        await engine.begin(async (conn) => {
          await conn.execute(
            'delete from ex06_transfers where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          await conn.execute("delete from ex06_accounts where id = any($1)", [ids]);
        });
      }
    `,
  },
  {
    id: "try-transfer",
    description: "tryTransfer() commits and returns true, or rolls back and returns false.",
    hidden: false,
    code: checkCode`
      const ids = await engine.begin(async (conn) => {
        const opened = await conn.execute(
          "insert into ex06_accounts (owner, balance) select 'check', b " +
            "from unnest($1::int[]) with ordinality as t(b, n) order by n returning id",
          [[100, 0]],
        );
        return opened.scalars() as number[];
      });
      const state = async () =>
        engine.connect(async (conn) => {
          const balances = await conn.execute(
            "select balance from ex06_accounts where id = any($1) order by id",
            [ids],
          );
          const moves = await conn.execute(
            'select count(*) from ex06_transfers ' +
              'where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          return (
            balances.scalars().join(" and ") + " with " + moves.scalar() +
            " transfer(s) recorded"
          );
        });
      try {
        const done: any = await tryTransfer(ids[0], ids[1], 30);
        if (done !== true) {
          return (
            "tryTransfer(payer, payee, 30) with 100 on the payer's account returned " +
            JSON.stringify(done) + " instead of true."
          );
        }
        const after = await state();
        if (after !== "70 and 30 with 1 transfer(s) recorded") {
          return (
            "After tryTransfer(payer, payee, 30) from 100 and 0, the balances are " +
            after + "; expected 70 and 30 with 1. Did it commit?"
          );
        }
        const refused: any = await tryTransfer(ids[0], ids[1], 1000);
        if (refused !== false) {
          return (
            "tryTransfer(payer, payee, 1000) with 70 on the payer's account returned " +
            JSON.stringify(refused) + " instead of false."
          );
        }
        const unchanged = await state();
        if (unchanged !== after) {
          return (
            "A refused tryTransfer() changed the accounts to " + unchanged +
            ": roll back before returning false."
          );
        }
      } finally {
        await engine.begin(async (conn) => {
          await conn.execute(
            'delete from ex06_transfers where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          await conn.execute("delete from ex06_accounts where id = any($1)", [ids]);
        });
      }
    `,
  },
  {
    id: "unknown-account",
    description: "A transfer from or to an account that does not exist is refused and changes nothing.",
    hidden: true,
    code: checkCode`
      const ids = await engine.begin(async (conn) => {
        const opened = await conn.execute(
          "insert into ex06_accounts (owner, balance) select 'check', b " +
            "from unnest($1::int[]) with ordinality as t(b, n) order by n returning id",
          [[100]],
        );
        return opened.scalars() as number[];
      });
      const nobody = -1;
      const state = async () =>
        engine.connect(async (conn) => {
          const balance = await conn.execute(
            "select balance from ex06_accounts where id = $1",
            [ids[0]],
          );
          const moves = await conn.execute(
            'select count(*) from ex06_transfers where "fromId" = $1 or "toId" = $1',
            [ids[0]],
          );
          return "balance " + balance.scalar() + ", " + moves.scalar() + " transfer(s)";
        });
      try {
        const cases: [string, () => Promise<unknown>, boolean][] = [
          ["transfer(payer, nobody, 10)", () => transfer(ids[0], nobody, 10), true],
          ["transfer(nobody, payee, 10)", () => transfer(nobody, ids[0], 10), true],
          ["tryTransfer(payer, nobody, 10)", () => tryTransfer(ids[0], nobody, 10), false],
          ["tryTransfer(nobody, payee, 10)", () => tryTransfer(nobody, ids[0], 10), false],
        ];
        for (const [call, run, throws] of cases) {
          let outcome: string;
          try {
            outcome = "returned " + JSON.stringify(await run());
          } catch {
            outcome = "threw";
          }
          const wanted = throws ? "threw" : "returned false";
          if (outcome !== wanted) {
            return (
              call + ", with an account that does not exist, " + outcome +
              "; it should have " + wanted.replace("threw", "thrown") + "."
            );
          }
          const now = await state();
          if (now !== "balance 100, 0 transfer(s)") {
            return (
              "After " + call + ", with an account that does not exist, " +
              "the real account has " + now + ": check that both UPDATEs " +
              "changed one row (result.rowCount) before committing."
            );
          }
        }
      } finally {
        await engine.begin(async (conn) => {
          await conn.execute(
            'delete from ex06_transfers where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          await conn.execute("delete from ex06_accounts where id = any($1)", [ids]);
        });
      }
    `,
  },
  {
    id: "positive-amount",
    description: "transfer() refuses an amount of zero or less, and changes nothing.",
    hidden: true,
    code: checkCode`
      const ids = await engine.begin(async (conn) => {
        const opened = await conn.execute(
          "insert into ex06_accounts (owner, balance) select 'check', b " +
            "from unnest($1::int[]) with ordinality as t(b, n) order by n returning id",
          [[100, 100]],
        );
        return opened.scalars() as number[];
      });
      try {
        for (const amount of [0, -50]) {
          let threw = false;
          try {
            await transfer(ids[0], ids[1], amount);
          } catch {
            threw = true;
          }
          const state: any = await engine.connect(async (conn) => {
            const balances = await conn.execute(
              "select balance from ex06_accounts where id = any($1) order by id",
              [ids],
            );
            const moves = await conn.execute(
              'select count(*) from ex06_transfers ' +
                'where "fromId" = any($1) or "toId" = any($1)',
              [ids],
            );
            return { balances: balances.scalars(), moves: Number(moves.scalar()) };
          });
          if (state.balances.join() !== "100,100" || state.moves !== 0) {
            return (
              "transfer(payer, payee, " + amount + ") changed the balances " +
              "from 100 and 100 to " + state.balances.join(" and ") +
              " (" + state.moves + " transfer(s) recorded)."
            );
          }
          if (!threw) {
            return (
              "transfer(payer, payee, " + amount + ") should throw: " +
              "only a positive amount can be transferred."
            );
          }
        }
      } finally {
        await engine.begin(async (conn) => {
          await conn.execute(
            'delete from ex06_transfers where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          await conn.execute("delete from ex06_accounts where id = any($1)", [ids]);
        });
      }
    `,
  },
  {
    id: "concurrent-transfers",
    description: "Twelve transfers of 10 started at once from an account holding 100: ten succeed, two are refused.",
    hidden: true,
    code: checkCode`
      const ids = await engine.begin(async (conn) => {
        const opened = await conn.execute(
          "insert into ex06_accounts (owner, balance) select 'check', b " +
            "from unnest($1::int[]) with ordinality as t(b, n) order by n returning id",
          [[100, 0]],
        );
        return opened.scalars() as number[];
      });
      try {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 12 }, () => transfer(ids[0], ids[1], 10)),
        );
        const succeeded = outcomes.filter((o) => o.status === "fulfilled").length;
        const state: any = await engine.connect(async (conn) => {
          const balances = await conn.execute(
            "select balance from ex06_accounts where id = any($1) order by id",
            [ids],
          );
          const moves = await conn.execute(
            'select count(*) from ex06_transfers ' +
              'where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          return { balances: balances.scalars(), moves: Number(moves.scalar()) };
        });
        if (succeeded !== 10 || state.balances.join() !== "0,100" || state.moves !== 10) {
          return (
            "Of 12 transfers of 10 from an account holding 100, started at once, " +
            succeeded + " succeeded, leaving balances " + state.balances.join(" and ") +
            " and " + state.moves + " transfer(s) recorded; expected 10, 0 and 100, " +
            "and 10. Read the balance and update it inside the same engine.begin()."
          );
        }
      } finally {
        await engine.begin(async (conn) => {
          await conn.execute(
            'delete from ex06_transfers where "fromId" = any($1) or "toId" = any($1)',
            [ids],
          );
          await conn.execute("delete from ex06_accounts where id = any($1)", [ids]);
        });
      }
    `,
  },
];
