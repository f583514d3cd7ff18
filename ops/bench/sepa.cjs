// The peer of ops/bench/sepa: sepa.js (npm "sepa", the most used JavaScript SEPA writer) writes
// the same credit transfers as our pain.001 files hold, in documents of the same size.
//   node sepa.cjs <folder of our pain.001 files> <output folder>
// Reading our files is not timed; building and writing the documents is. Prints one line:
//   payments <n> documents <d> seconds <s>
"use strict";
const fs = require("fs");
const path = require("path");
const SEPA = require("sepa");

const [from, to] = process.argv.slice(2);
const field = (block, re) => {
  const m = block.match(re);
  return m ? m[1] : "";
};

// Every credit transfer of every file, in file order, with the fields sepa.js writes.
const files = [];
for (const name of fs.readdirSync(from).filter((n) => n.endsWith(".xml")).sort()) {
  const xml = fs.readFileSync(path.join(from, name), "utf8");
  const txs = [];
  for (const block of xml.split("<CdtTrfTxInf>").slice(1)) {
    txs.push({
      end2endId: field(block, /<EndToEndId>([^<]*)</),
      amount: Number(field(block, /<InstdAmt[^>]*>([^<]*)</)),
      creditorName: field(block, /<Cdtr>\s*<Nm>([^<]*)</),
      creditorIBAN: field(block, /<CdtrAcct>\s*<Id>\s*<IBAN>([^<]*)</),
      // Our creditor references (SCOR) as sepa.js's unstructured text: it writes no other kind.
      remittanceInfo: field(block, /<Ustrd>([^<]*)</) || field(block, /<Ref>([^<]*)</),
    });
  }
  files.push({
    msgId: field(xml, /<MsgId>([^<]*)</),
    debtorName: field(xml, /<Dbtr>\s*<Nm>([^<]*)</),
    debtorIBAN: field(xml, /<DbtrAcct>\s*<Id>\s*<IBAN>([^<]*)</),
    txs,
  });
}

fs.mkdirSync(to, { recursive: true });
const started = process.hrtime.bigint();
let payments = 0;
for (const f of files) {
  const doc = new SEPA.Document("pain.001.001.09");
  doc.grpHdr.id = f.msgId;
  doc.grpHdr.created = new Date();
  doc.grpHdr.initiatorName = f.debtorName;
  const info = doc.createPaymentInfo();
  info.requestedExecutionDate = new Date();
  info.debtorIBAN = f.debtorIBAN;
  info.debtorName = f.debtorName;
  doc.addPaymentInfo(info);
  for (const t of f.txs) {
    const tx = info.createTransaction();
    Object.assign(tx, t);
    info.addTransaction(tx);
    payments += 1;
  }
  fs.writeFileSync(path.join(to, f.msgId + ".xml"), doc.toString());
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`payments ${payments} documents ${files.length} seconds ${seconds.toFixed(2)}`);
