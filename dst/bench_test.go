package dst

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"helhed/internal/cputime"
	"io"
	"runtime"
	"testing"
	"time"
)

// bulkCells is the size of the benchmark answer: 200,000 rows of five
// columns (four variables and INDHOLD), the API's way of counting cells.
const bulkCells = 1_000_000

// bulkAnswer builds a lang=da BULK answer of bulkCells cells, with a BOM,
// decimal commas and a ".." every 97th row.
func bulkAnswer() []byte {
	var b bytes.Buffer
	b.Write(bom)
	b.WriteString("OMRÅDE;KØN;ALDER;TID;INDHOLD\r\n")
	for i := 0; i < bulkCells/5; i++ {
		if i%97 == 0 {
			fmt.Fprintf(&b, "%03d;%d;%d;2024K%d;..\r\n", i%1000, i%3, i%126, i%4+1)
			continue
		}
		fmt.Fprintf(&b, "%03d;%d;%d;2024K%d;%d,%d\r\n", i%1000, i%3, i%126, i%4+1, i, i%10)
	}
	return b.Bytes()
}

// peak runs f while sampling the live heap and returns the highest heap in
// use above what was in use before, and the wall and CPU time taken.
func peak(f func()) (uint64, time.Duration, time.Duration) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	stop := make(chan struct{})
	done := make(chan uint64)
	go func() {
		var top uint64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > top {
				top = m.HeapInuse - base
			}
			select {
			case <-stop:
				done <- top
				return
			case <-t.C:
			}
		}
	}()
	start, cpu := time.Now(), cputime.Process()
	f()
	d, c := time.Since(start), cputime.Process()-cpu
	close(stop)
	return <-done, d, c
}

// BenchmarkBulkParse parses a 1,000,000-cell BULK answer with the streaming
// Reader (numbers and ".." included) and, in the same run, reads the same
// bytes with encoding/csv alone: record by record (ReuseRecord), and with
// ReadAll. It reports throughput, peak heap and the ratios; the goal is
// ratio_vs_csv_Read ≥ 0.8 with a peak heap that does not grow with the
// answer. The ratio is given by wall clock and by CPU time, which a
// loaded machine disturbs far less; the parsers take turns going first.
func BenchmarkBulkParse(b *testing.B) {
	data := bulkAnswer()
	mb := float64(len(data)) / (1 << 20)
	var dstPeak, csvPeak, allPeak uint64
	var dstTime, csvTime, allTime, dstCPU, csvCPU time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		parseDST := func() (uint64, time.Duration, time.Duration) {
			return peak(func() {
				rd, err := NewReader(bytes.NewReader(data), true)
				if err != nil {
					b.Fatal(err)
				}
				var rows, supp int
				var sum float64
				for {
					r, err := rd.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					rows++
					if r.Suppressed {
						supp++
					}
					sum += r.Value
				}
				if rows != bulkCells/5 || supp == 0 || sum == 0 {
					b.Fatalf("rows %d suppressed %d", rows, supp)
				}
			})
		}
		readCSV := func() (uint64, time.Duration, time.Duration) {
			return peak(func() {
				cr := csv.NewReader(bytes.NewReader(data))
				cr.Comma, cr.ReuseRecord = ';', true
				rows := 0
				for {
					_, err := cr.Read()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					rows++
				}
				if rows != bulkCells/5+1 {
					b.Fatalf("csv rows %d", rows)
				}
			})
		}
		var dp, cp uint64
		var dd, dc, cd, cc time.Duration
		if i%2 == 0 {
			dp, dd, dc = parseDST()
			cp, cd, cc = readCSV()
		} else {
			cp, cd, cc = readCSV()
			dp, dd, dc = parseDST()
		}
		dstPeak, dstTime, dstCPU = max(dstPeak, dp), dstTime+dd, dstCPU+dc
		csvPeak, csvTime, csvCPU = max(csvPeak, cp), csvTime+cd, csvCPU+cc
		p, d, _ := peak(func() {
			cr := csv.NewReader(bytes.NewReader(data))
			cr.Comma = ';'
			recs, err := cr.ReadAll()
			if err != nil || len(recs) != bulkCells/5+1 {
				b.Fatalf("ReadAll %d %v", len(recs), err)
			}
		})
		allPeak, allTime = max(allPeak, p), allTime+d
	}
	n := float64(b.N)
	dstMBs := mb * n / dstTime.Seconds()
	csvMBs := mb * n / csvTime.Seconds()
	allMBs := mb * n / allTime.Seconds()
	b.ReportMetric(dstMBs, "dst_MB/s")
	b.ReportMetric(csvMBs, "csv_MB/s")
	b.ReportMetric(allMBs, "csvReadAll_MB/s")
	b.ReportMetric(float64(dstPeak)/(1<<20), "dst_peak_MiB")
	b.ReportMetric(float64(csvPeak)/(1<<20), "csv_peak_MiB")
	b.ReportMetric(float64(allPeak)/(1<<20), "csvReadAll_peak_MiB")
	wallRatio := dstMBs / csvMBs
	cpuRatio := csvCPU.Seconds() / dstCPU.Seconds()
	b.ReportMetric(wallRatio, "ratio_vs_csv_Read")
	b.ReportMetric(cpuRatio, "ratio_vs_csv_Read_cpu")
	b.Logf("%.1f MiB answer, %d cells: dst %.0f MB/s, peak heap %.2f MiB; encoding/csv Read %.0f MB/s, peak heap %.2f MiB; "+
		"encoding/csv ReadAll %.0f MB/s, peak heap %.1f MiB", mb, bulkCells, dstMBs, float64(dstPeak)/(1<<20),
		csvMBs, float64(csvPeak)/(1<<20), allMBs, float64(allPeak)/(1<<20))
	b.Logf("dst vs encoding/csv Read: %.2f× by wall clock, %.2f× by CPU time (goal ≥ 0.80×); peak heap %.2f MiB vs %.2f MiB",
		wallRatio, cpuRatio, float64(dstPeak)/(1<<20), float64(csvPeak)/(1<<20))
}
